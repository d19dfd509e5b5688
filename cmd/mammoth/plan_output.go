package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/mammoth-io/mammoth-go"
)

// planView is the JSON form of the plans of a file.
type planView struct {
	Dataviews []planDataview `json:"dataviews"`
}

type planDataview struct {
	Dataview refJSON        `json:"dataview"`
	Changes  []changeJSON   `json:"changes"`
	Summary  map[string]int `json:"summary"`
	Error    string         `json:"error,omitempty"`
}

type refJSON struct {
	WorkspaceID int `json:"workspace_id"`
	ProjectID   int `json:"project_id"`
	DatasetID   int `json:"dataset_id"`
	DataviewID  int `json:"dataview_id"`
}

func refView(r mammoth.DataviewRef) refJSON {
	return refJSON{r.WorkspaceID, r.ProjectID, r.DatasetID, r.DataviewID}
}

type changeJSON struct {
	Action   mammoth.PlanAction         `json:"action"`
	Name     string                     `json:"name,omitempty"`
	Identity string                     `json:"identity"`
	ExportID int                        `json:"export_id,omitempty"`
	Fields   []mammoth.FieldChange      `json:"fields,omitempty"`
	Secrets  []mammoth.SecretComparison `json:"secrets,omitempty"`
}

func plannedView(c mammoth.PlannedChange) changeJSON {
	return changeJSON{Action: c.Action, Name: c.Name, Identity: c.Identity, ExportID: c.ExportID, Fields: c.Fields, Secrets: c.Secrets}
}

// applyView is the JSON form of what apply did.
type applyView struct {
	Dataviews []applyDataview `json:"dataviews"`
}

type applyDataview struct {
	Dataview refJSON       `json:"dataview"`
	Changes  []appliedView `json:"changes"`
	Replans  int           `json:"replans"`
	Error    string        `json:"error,omitempty"`
}

type appliedView struct {
	changeJSON
	Job   *mammoth.Job `json:"job,omitempty"`
	Error string       `json:"error,omitempty"`
	// Unknown says the change failed in a way that leaves its outcome
	// unknown.
	Unknown bool `json:"outcome_unknown,omitempty"`
}

func appliedViewOf(ch mammoth.AppliedChange) appliedView {
	v := appliedView{changeJSON: plannedView(ch.PlannedChange), Job: ch.Job, Unknown: ch.Unknown}
	if ch.Err != nil {
		v.Error = ch.Err.Error()
	}
	return v
}

// planSymbols mark each kind of change in the text output.
var planSymbols = map[mammoth.PlanAction]string{
	mammoth.PlanAdd: "+", mammoth.PlanChange: "~", mammoth.PlanDelete: "-",
	mammoth.PlanUnchanged: "=", mammoth.PlanUnmanaged: "?",
}

// printPlans prints every dataview's plan, in the file's order.
func (c *call) printPlans(plans []*dataviewPlan) error {
	if c.out.format.isJSON() {
		view := planView{Dataviews: make([]planDataview, 0, len(plans))}
		for _, p := range plans {
			d := planDataview{Dataview: refView(p.set.ref), Changes: []changeJSON{}, Summary: map[string]int{}}
			if p.err != nil {
				d.Error = p.err.Error()
			} else {
				for _, ch := range p.plan.Changes {
					d.Changes = append(d.Changes, plannedView(ch))
					d.Summary[string(ch.Action)]++
				}
			}
			view.Dataviews = append(view.Dataviews, d)
		}
		return c.out.json(view)
	}
	var b strings.Builder
	for _, p := range plans {
		writePlan(&b, p)
	}
	_, err := fmt.Fprint(c.env.stdout, b.String())
	return err
}

// writePlan writes one dataview's plan as a readable diff.
func writePlan(b *strings.Builder, p *dataviewPlan) {
	r := p.set.ref
	fmt.Fprintf(b, "Dataview %d (workspace %d, project %d, dataset %d):\n", r.DataviewID, r.WorkspaceID, r.ProjectID, r.DatasetID)
	if p.err != nil {
		fmt.Fprintf(b, "  cannot plan: %v\n\n", p.err)
		return
	}
	width := 0
	for _, ch := range p.plan.Changes {
		width = max(width, len(changeLabel(ch)))
	}
	for _, ch := range p.plan.Changes {
		fmt.Fprintf(b, "  %s %-*s  %s", planSymbols[ch.Action], width, changeLabel(ch), ch.Identity)
		switch ch.Action {
		case mammoth.PlanChange, mammoth.PlanUnchanged:
			fmt.Fprintf(b, "  (export %d)", ch.ExportID)
		case mammoth.PlanUnmanaged:
			b.WriteString("  (not in the file; --prune deletes it)")
		}
		b.WriteByte('\n')
		for _, f := range ch.Fields {
			fmt.Fprintf(b, "      %s: %s → %s", f.Path, fieldValue(f.Old), fieldValue(f.New))
			if f.Secret {
				b.WriteString("  (secret, compared by value)")
			}
			b.WriteByte('\n')
		}
		for _, s := range ch.Secrets {
			if s.Method != mammoth.SecretByValue {
				fmt.Fprintf(b, "      %s: secret, %s\n", s.Path, secretNote(s.Method))
			}
		}
	}
	fmt.Fprintf(b, "  %d to add, %d to change, %d to delete, %d unchanged", p.plan.Count(mammoth.PlanAdd),
		p.plan.Count(mammoth.PlanChange), p.plan.Count(mammoth.PlanDelete), p.plan.Count(mammoth.PlanUnchanged))
	if n := p.plan.Count(mammoth.PlanUnmanaged); n > 0 {
		fmt.Fprintf(b, ", %d not in the file", n)
	}
	b.WriteString(".\n\n")
}

// changeLabel names a change: the file's name, else the export id.
func changeLabel(ch mammoth.PlannedChange) string {
	switch {
	case ch.Name != "":
		return ch.Name
	case ch.Index >= 0:
		return "exports[" + strconv.Itoa(ch.Index) + "]"
	}
	return "export " + strconv.Itoa(ch.ExportID)
}

func secretNote(m mammoth.SecretComparisonMethod) string {
	switch m {
	case mammoth.SecretByPresence:
		return "compared by presence: the API masks it, so a new value is not seen"
	case mammoth.SecretNotEchoed:
		return "not compared: the API does not send it back"
	}
	return string(m)
}

// fieldValue writes a field's value compactly; absent is "(none)".
func fieldValue(v any) string {
	if v == nil {
		return "(none)"
	}
	b, err := rawJSON(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// appliedLine reports one change apply made.
func appliedLine(ref mammoth.DataviewRef, ch mammoth.AppliedChange) string {
	prefix := fmt.Sprintf("dataview %d: %s %s", ref.DataviewID, planSymbols[ch.Action], changeLabel(ch.PlannedChange))
	if ch.Err != nil {
		if ch.Unknown {
			return prefix + ": outcome unknown (" + ch.Err.Error() + "); reading the pipeline again"
		}
		return prefix + ": failed: " + ch.Err.Error()
	}
	done := map[mammoth.PlanAction]string{mammoth.PlanAdd: "added", mammoth.PlanChange: "changed", mammoth.PlanDelete: "deleted"}[ch.Action]
	if id, ok := ch.Result.JobID(); ok {
		done += fmt.Sprintf(" (job %d", id)
		if ch.Job != nil {
			done += " " + string(ch.Job.Status)
		}
		done += ")"
	}
	return prefix + ": " + done
}

// dumpDataview reads the dataview's exports as a file entry, with every
// secret replaced by a reference; it returns the variables referred to.
func (c *call) dumpDataview(ctx context.Context) (*fileDataview, []string, error) {
	// A plan with nothing desired lists every export of the pipeline, the
	// temporary ones of downloads left out.
	plan, err := c.client.Exports.Plan(ctx, c.ref, nil, nil)
	if err != nil {
		return nil, nil, err
	}
	dv := &fileDataview{WorkspaceID: c.ref.WorkspaceID, ProjectID: c.ref.ProjectID, DatasetID: c.ref.DatasetID, DataviewID: c.ref.DataviewID, Exports: []*fileExport{}}
	var vars []string
	var cols []mammoth.Column // read for the first condition
	for _, ch := range plan.Changes {
		e := ch.Current
		id := *e.ID
		fe := &fileExport{Name: fmt.Sprintf("%s-%d", e.HandlerType, id), HandlerType: string(e.HandlerType), TriggerType: string(e.TriggerType)}
		if e.EndOfPipeline != nil && !*e.EndOfPipeline {
			fe.EndOfPipeline, fe.Sequence = e.EndOfPipeline, e.Sequence
		}
		prefix := "MAMMOTH_SECRET_" + strconv.Itoa(id) + "_"
		var refs []string
		fe.TargetProperties, refs = withSecretRefs(e.TargetProperties, prefix)
		vars = append(vars, refs...)
		if len(e.AdditionalProperties) > 0 {
			fe.AdditionalProperties, refs = withSecretRefs(e.AdditionalProperties, prefix+"ADDITIONAL_")
			vars = append(vars, refs...)
		}
		if len(e.Condition) > 0 {
			if fe.Condition, err = c.dumpCondition(ctx, mammoth.Condition(e.Condition), &cols); err != nil {
				return nil, nil, err
			}
		}
		dv.Exports = append(dv.Exports, fe)
	}
	return dv, vars, nil
}

// dumpCondition writes a condition in the text form, with display names,
// when that reads back as the same condition; otherwise as the API's
// object.
func (c *call) dumpCondition(ctx context.Context, cond mammoth.Condition, cols *[]mammoth.Column) (json.RawMessage, error) {
	if *cols == nil {
		*cols, _ = c.client.Dataviews.Columns(ctx, c.ref)
	}
	text := cond.Display(*cols)
	if parsed, err := mammoth.ParseCondition(text); err == nil {
		if back, err := c.client.Dataviews.ResolveCondition(ctx, c.ref, parsed); err == nil && sameJSON(back, cond) {
			return rawJSON(text)
		}
	}
	return rawJSON(cond)
}

// rawJSON encodes v as JSON without escaping <, > and &, which conditions
// use as operators.
func rawJSON(v any) (json.RawMessage, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSpace(b.Bytes()), nil
}

// sameJSON reports whether a and b encode to the same JSON.
func sameJSON(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}

// withSecretRefs copies m with each secret value replaced by a reference
// to an environment variable named prefix and the secret's path; it
// returns the names.
func withSecretRefs(m map[string]any, prefix string) (map[string]any, []string) {
	var names []string
	out := mapSecrets(m, func(path string) any {
		name := prefix + envName(path)
		names = append(names, name)
		return "${" + name + "}"
	})
	slices.Sort(names)
	return out, names
}

// writeFileAtomic writes b to name through a temporary file in the same
// folder, so that a reader never sees half a file.
func writeFileAtomic(name string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return usagef("cannot write %s: %v", name, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}
