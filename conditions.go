package mammoth

// Condition selects the rows of a dataview an export sends, in the API's
// own nested format: column keys, AND / OR / NOT, STRING_PROP. It is
// assignable to [AddExportSpec].Condition. The empty (or nil) condition
// selects every row.
type Condition map[string]any
