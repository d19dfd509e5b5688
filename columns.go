package mammoth

import "slices"

// Column is one column of a dataview, as its pipeline's last step has it.
type Column struct {
	// DisplayName is the name users see in the app and in CSV headers.
	DisplayName string
	// InternalName is the name conditions and the API use, such as
	// "column_1".
	InternalName string
	// Type is the column's data type.
	Type ColumnType
}

// ColumnType is the data type of a [Column]. A value the server sends that
// this package has no constant for still decodes and keeps its text.
type ColumnType string

// Column types known to this version of the SDK.
const (
	ColumnTypeText    ColumnType = "TEXT"
	ColumnTypeNumeric ColumnType = "NUMERIC"
	ColumnTypeDate    ColumnType = "DATE"
)

var columnTypes = []ColumnType{ColumnTypeText, ColumnTypeNumeric, ColumnTypeDate}

// Values returns every column type this version of the SDK knows. The list
// may grow in later versions.
func (ColumnType) Values() []ColumnType { return slices.Clone(columnTypes) }

// IsKnown reports whether t is one of [ColumnType.Values].
func (t ColumnType) IsKnown() bool { return slices.Contains(columnTypes, t) }
