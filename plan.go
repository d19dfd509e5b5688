package mammoth

import (
	"context"
	"fmt"
	"slices"
	"strconv"
)

// PlanAction is what a [PlannedChange] does to the pipeline.
type PlanAction string

// Plan actions.
const (
	// PlanAdd adds an export that is desired and does not exist.
	PlanAdd PlanAction = "add"
	// PlanChange edits an existing export in place (a replace of its
	// params), so that it keeps its id.
	PlanChange PlanAction = "change"
	// PlanDelete removes an export that is not desired ([PlanOptions].Prune).
	PlanDelete PlanAction = "delete"
	// PlanUnchanged is a desired export that exists as desired.
	PlanUnchanged PlanAction = "unchanged"
	// PlanUnmanaged is an existing export that no desired spec matches,
	// left alone because [PlanOptions].Prune is off.
	PlanUnmanaged PlanAction = "unmanaged"
)

// PlanOptions tunes [ExportsService.Plan].
type PlanOptions struct {
	// Prune deletes the exports of the pipeline that no desired spec
	// matches. Without it they are listed as [PlanUnmanaged] and kept.
	// The temporary exports [ExportsService.DownloadCSV] makes are never
	// pruned.
	Prune bool
	// Names labels the desired specs, by index, in the plan: a stable name
	// of the caller's (the CLI takes it from the file's "name"). Missing or
	// empty names are fine.
	Names []string
}

// ExportsPlan says how a dataview's exports differ from the desired ones,
// and what [ExportsService.Apply] would do about it. Make one with
// [ExportsService.Plan].
type ExportsPlan struct {
	// Ref is the dataview the plan is for.
	Ref DataviewRef
	// Changes lists every desired and every existing export once, in the
	// order Apply carries them out: changes, then adds, then deletes (so
	// that a failure part-way leaves more exports rather than fewer),
	// followed by the unchanged and unmanaged ones. Within a kind, desired
	// exports keep the order they were given in and deletes go by id.
	Changes []PlannedChange

	desired []*AddExportSpec
	opts    PlanOptions
	planned bool // made by Plan, so Apply can plan again from desired
}

// PlannedChange is one line of an [ExportsPlan].
type PlannedChange struct {
	// Action is what the change does.
	Action PlanAction
	// Name is the desired spec's label from [PlanOptions].Names, or "".
	Name string
	// Index is the position of the desired spec, or -1 for an export no
	// desired spec matches.
	Index int
	// ExportID is the existing export the change is about; 0 for an add.
	ExportID int
	// Identity says which destination the export writes to, in the form
	// the plan matched it by, such as "s3 file=daily.csv" or "trigger 12".
	Identity string
	// Desired is the desired spec (nil for a delete or an unmanaged export).
	Desired *AddExportSpec
	// Current is the export as the pipeline has it (nil for an add).
	Current *ItemExportInfo
	// Fields lists, for a change, every field that differs; for an
	// unchanged export it is empty.
	Fields []FieldChange
	// Secrets says how each secret field of the desired spec was compared.
	Secrets []SecretComparison
}

// Label returns Name when it is set, otherwise Identity.
func (c PlannedChange) Label() string {
	if c.Name != "" {
		return c.Name
	}
	return c.Identity
}

// FieldChange is one field a [PlanChange] changes. Paths use the API's
// keys, dotted: "trigger_type", "target_properties.table", "condition".
type FieldChange struct {
	Path string `json:"path"`
	// Old and New are the values as JSON decodes them (nil when absent).
	// For a secret field both hold "[REDACTED]" (or nil when absent); for
	// "condition", the text form ([Condition.Display]) with display names
	// where the dataview's columns could be read.
	Old any `json:"old"`
	New any `json:"new"`
	// Secret is true for a secret field.
	Secret bool `json:"secret,omitempty"`
}

// SecretComparisonMethod says how a plan compared a secret field.
type SecretComparisonMethod string

// How secrets are compared.
const (
	// SecretByValue: the API echoed the secret, so it was compared by value.
	SecretByValue SecretComparisonMethod = "by value"
	// SecretByPresence: the API echoed a masked value, so only the key's
	// presence could be compared; a new secret value under the same key is
	// not seen as a change.
	SecretByPresence SecretComparisonMethod = "by presence"
	// SecretNotEchoed: the API left the key out, so nothing could be
	// compared and the field is taken as unchanged.
	SecretNotEchoed SecretComparisonMethod = "not echoed"
)

// SecretComparison says how one secret field was compared.
type SecretComparison struct {
	Path   string                 `json:"path"`
	Method SecretComparisonMethod `json:"method"`
}

// HasChanges reports whether applying the plan would change the pipeline.
func (p *ExportsPlan) HasChanges() bool {
	if p == nil {
		return false
	}
	for _, c := range p.Changes {
		switch c.Action {
		case PlanAdd, PlanChange, PlanDelete:
			return true
		}
	}
	return false
}

// Count returns how many changes of the action the plan holds.
func (p *ExportsPlan) Count(a PlanAction) int {
	if p == nil {
		return 0
	}
	n := 0
	for _, c := range p.Changes {
		if c.Action == a {
			n++
		}
	}
	return n
}

// Plan compares the desired exports of a dataview with those its pipeline
// has, and says what to add, change and, with opts.Prune, delete. It only
// reads: one page walk of the exports with the "__full" fields, plus the
// dataview's columns when a desired condition must be resolved (see
// [DataviewsService.ResolveCondition]).
//
// A desired spec whose TriggerID is set matches the export with that id
// (the API's own meaning of TRIGGER_ID); a TriggerID the pipeline does not
// have is an error. Every other spec matches the existing export that writes
// to the same destination: its identity, per handler type, is
//
//   - s3, csv_file: the file;
//   - postgres, mysql, mssql, redshift: host, port (the handler's default
//     when unset), database and table;
//   - publishdb: the table;
//   - internal_dataset: the target dataset id, else the dataset name;
//   - email: the set of recipients, in any order and case;
//   - ftp: domain, port, directory and file; sftp: host, port, directory
//     and file name;
//   - elasticsearch: host, port and index;
//   - bigquery: database and table;
//   - azure_blob: storage account, container, folder and file;
//   - sharepoint: site, document library, folder and file;
//   - onedrive: user, folder and file;
//   - tableau_server: server, site, project and data source;
//   - powerbi: dataset and table;
//   - generic_rest_api_export: method, base URL and endpoint path;
//   - any other handler: every target property that is not a secret.
//
// Two desired specs with one identity are a [*ValidationError], returned
// before anything is read. When several existing exports share an identity,
// the one with the lowest id is matched and the others count as not
// desired.
//
// A matched export differs when its trigger_type, end_of_pipeline,
// sequence (when the spec sets one), condition, or a key the spec sets in
// target_properties or additional_properties differs. Keys the spec leaves
// out are not compared, so values the server fills in (defaults, a created
// dataset's id) are no change. Secret keys are compared by value where the
// API echoes them, by presence where it masks them, and not at all where it
// leaves them out; [PlannedChange].Secrets says which.
//
// desired is not modified.
func (s *ExportsService) Plan(ctx context.Context, ref DataviewRef, desired []*AddExportSpec, opts *PlanOptions) (*ExportsPlan, error) {
	if ctx == nil {
		return nil, &ValidationError{Field: "ctx", Reason: "must not be nil"}
	}
	if err := ref.validate(); err != nil {
		return nil, err
	}
	var o PlanOptions
	if opts != nil {
		o = *opts
		o.Names = slices.Clone(o.Names)
	}
	wants, cols, err := s.desiredExports(ctx, ref, desired, o.Names)
	if err != nil {
		return nil, err
	}
	current, err := s.currentExports(ctx, ref)
	if err != nil {
		return nil, err
	}
	plan := &ExportsPlan{Ref: ref, desired: slices.Clone(desired), opts: o, planned: true}
	plan.Changes, err = diffExports(wants, current, o.Prune)
	if err != nil {
		return nil, err
	}
	s.showConditions(ctx, ref, plan.Changes, cols)
	return plan, nil
}

// desiredExport is a desired spec prepared for comparison.
type desiredExport struct {
	index    int
	name     string
	spec     *AddExportSpec // with DataviewID filled in and the condition resolved
	wire     map[string]any // the spec as sent, decoded
	identity string
}

// desiredExports checks and prepares the desired specs: each one valid as
// an add would check it, its condition resolved, no two with one identity.
func (s *ExportsService) desiredExports(ctx context.Context, ref DataviewRef, desired []*AddExportSpec, names []string) ([]*desiredExport, []Column, error) {
	out := make([]*desiredExport, 0, len(desired))
	var cols []Column // read once, for the first condition
	seen := map[string]int{}
	for i, spec := range desired {
		field := "desired[" + strconv.Itoa(i) + "]"
		if spec == nil {
			return nil, nil, &ValidationError{Field: field, Reason: "must not be nil"}
		}
		prepared, err := prepareSpec(ref, spec, field)
		if err != nil {
			return nil, nil, err
		}
		if prepared.TriggerID != nil && *prepared.TriggerID <= 0 {
			return nil, nil, &ValidationError{Field: field + ".TRIGGER_ID", Reason: "must be at least 1"}
		}
		// A condition the SDK cannot read (an operator it does not know yet)
		// is compared as it is; one a builder marked as wrong is refused.
		if err := Condition(prepared.Condition).Err(); err != nil {
			return nil, nil, fmt.Errorf("mammoth: Plan: %s.condition: %w", field, err)
		}
		if len(prepared.Condition) > 0 && Condition(prepared.Condition).Validate() == nil {
			if cols == nil {
				if cols, err = (*DataviewsService)(s).Columns(ctx, ref); err != nil {
					return nil, nil, fmt.Errorf("mammoth: Plan: reading the columns for %s.condition: %w", field, err)
				}
			}
			cond, err := resolveCondition(Condition(prepared.Condition), cols)
			if err != nil {
				return nil, nil, fmt.Errorf("mammoth: Plan: %s.condition: %w", field, err)
			}
			prepared.Condition = cond
		}
		wire, err := wireMap(prepared)
		if err != nil {
			return nil, nil, fmt.Errorf("mammoth: Plan: %s: %w", field, err)
		}
		d := &desiredExport{index: i, spec: prepared, wire: wire}
		if i < len(names) {
			d.name = names[i]
		}
		if prepared.TriggerID != nil {
			d.identity = "trigger " + strconv.Itoa(*prepared.TriggerID)
		} else {
			d.identity = exportIdentity(prepared.HandlerType, mapValue(wire["target_properties"]))
		}
		if j, dup := seen[d.identity]; dup {
			return nil, nil, &ValidationError{Field: field, Reason: fmt.Sprintf("has the same destination as desired[%d] (%s)", j, d.identity)}
		}
		seen[d.identity] = i
		out = append(out, d)
	}
	return out, cols, nil
}

// currentExports reads every export of the pipeline, leaving out deleted
// ones and the temporary exports of downloads.
func (s *ExportsService) currentExports(ctx context.Context, ref DataviewRef) ([]*ItemExportInfo, error) {
	var out []*ItemExportInfo
	for e, err := range s.AllExports(ctx, ref, &ListExportsOptions{Fields: FieldsFull}) {
		if err != nil {
			return nil, err
		}
		if e == nil || e.ID == nil || e.Status == ExportStatusDeleted || isTemporaryExport(e) {
			continue
		}
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b *ItemExportInfo) int { return *a.ID - *b.ID })
	return out, nil
}

// showConditions writes the old and new conditions of each change in the
// text form, with display names: the columns read for the desired
// conditions, or read now (a request) when only existing exports have one.
// Without columns the text form uses internal names.
func (s *ExportsService) showConditions(ctx context.Context, ref DataviewRef, changes []PlannedChange, cols []Column) {
	for i := range changes {
		for j := range changes[i].Fields {
			f := &changes[i].Fields[j]
			if f.Path != "condition" {
				continue
			}
			if cols == nil {
				cols, _ = (*DataviewsService)(s).Columns(ctx, ref)
			}
			f.Old, f.New = conditionText(f.Old, cols), conditionText(f.New, cols)
		}
	}
}

// conditionText writes a condition object in the text form.
func conditionText(v any, cols []Column) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	return Condition(m).Display(cols)
}
