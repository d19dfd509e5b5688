package mammoth

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// diffExports matches the desired exports with the current ones (sorted by
// id) and lists what to do, in the order Apply does it.
func diffExports(wants []*desiredExport, current []*ItemExportInfo, prune bool) ([]PlannedChange, error) {
	byID := make(map[int]*ItemExportInfo, len(current))
	for _, e := range current {
		byID[*e.ID] = e
	}
	matched := map[int]bool{}
	match := make([]*ItemExportInfo, len(wants))
	for i, d := range wants {
		if d.spec.TriggerID == nil {
			continue
		}
		id := *d.spec.TriggerID
		e, ok := byID[id]
		if !ok {
			return nil, &ValidationError{
				Field:  "desired[" + strconv.Itoa(d.index) + "].TRIGGER_ID",
				Reason: "names export " + strconv.Itoa(id) + ", which the pipeline does not have",
			}
		}
		if e.HandlerType != "" && e.HandlerType != d.spec.HandlerType {
			return nil, &ValidationError{
				Field:  "desired[" + strconv.Itoa(d.index) + "].HandlerType",
				Reason: fmt.Sprintf("is %q, but export %d is %q; a handler type cannot be changed in place", d.spec.HandlerType, id, e.HandlerType),
			}
		}
		match[i], matched[id] = e, true
	}
	byIdentity := map[string]*ItemExportInfo{}
	for _, e := range current {
		if matched[*e.ID] {
			continue
		}
		key := exportIdentity(e.HandlerType, e.TargetProperties)
		if _, taken := byIdentity[key]; !taken {
			byIdentity[key] = e // the lowest id, as current is sorted
		}
	}
	for i, d := range wants {
		if match[i] != nil || d.spec.TriggerID != nil {
			continue
		}
		if e := byIdentity[d.identity]; e != nil && !matched[*e.ID] {
			match[i], matched[*e.ID] = e, true
		}
	}

	var changes, adds, deletes, unchanged, unmanaged []PlannedChange
	for i, d := range wants {
		c := PlannedChange{Name: d.name, Index: d.index, Identity: d.identity, Desired: d.spec}
		e := match[i]
		if e == nil {
			c.Action = PlanAdd
			adds = append(adds, c)
			continue
		}
		c.ExportID, c.Current = *e.ID, e
		c.Fields, c.Secrets = compareExport(d, e)
		if len(c.Fields) == 0 {
			c.Action = PlanUnchanged
			unchanged = append(unchanged, c)
		} else {
			c.Action = PlanChange
			changes = append(changes, c)
		}
	}
	for _, e := range current {
		if matched[*e.ID] {
			continue
		}
		c := PlannedChange{Index: -1, ExportID: *e.ID, Current: e, Identity: exportIdentity(e.HandlerType, e.TargetProperties)}
		if prune {
			c.Action = PlanDelete
			deletes = append(deletes, c)
		} else {
			c.Action = PlanUnmanaged
			unmanaged = append(unmanaged, c)
		}
	}
	return slices.Concat(changes, adds, deletes, unchanged, unmanaged), nil
}

// compareExport lists the fields in which the existing export e differs
// from the desired one, and how each secret was compared.
func compareExport(d *desiredExport, e *ItemExportInfo) ([]FieldChange, []SecretComparison) {
	var cmp comparison
	if d.spec.TriggerType != e.TriggerType {
		cmp.change("trigger_type", string(e.TriggerType), string(d.spec.TriggerType), false)
	}
	want := d.spec.EndOfPipeline == nil || *d.spec.EndOfPipeline
	if e.EndOfPipeline != nil && *e.EndOfPipeline != want {
		cmp.change("end_of_pipeline", *e.EndOfPipeline, want, false)
	}
	if s := d.spec.Sequence; s != nil && (e.Sequence == nil || *e.Sequence != *s) {
		var old any
		if e.Sequence != nil {
			old = *e.Sequence
		}
		cmp.change("sequence", old, *s, false)
	}
	cmp.tree("target_properties", mapValue(d.wire["target_properties"]), mapValue(normalizeJSON(map[string]any(e.TargetProperties))))
	cmp.tree("additional_properties", mapValue(d.wire["additional_properties"]), mapValue(normalizeJSON(e.AdditionalProperties)))
	wantCond, haveCond := normalizeJSON(d.wire["condition"]), normalizeJSON(e.Condition)
	if isEmptyObject(wantCond) != isEmptyObject(haveCond) || (!isEmptyObject(wantCond) && !reflect.DeepEqual(wantCond, haveCond)) {
		cmp.change("condition", nilIfEmpty(haveCond), nilIfEmpty(wantCond), false)
	}
	return cmp.fields, cmp.secrets
}

// comparison collects the differences of one export.
type comparison struct {
	fields  []FieldChange
	secrets []SecretComparison
}

func (c *comparison) change(path string, old, new any, secret bool) {
	if secret {
		old, new = maskedOrNil(old), maskedOrNil(new)
	} else {
		old, new = redactValue(old), redactValue(new)
	}
	c.fields = append(c.fields, FieldChange{Path: path, Old: old, New: new, Secret: secret})
}

// tree compares the keys the desired object sets with the existing one,
// going into nested objects so that a secret at any depth is compared as a
// secret.
func (c *comparison) tree(path string, want, have map[string]any) {
	keys := make([]string, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		p := path + "." + k
		w, h := want[k], have[k]
		_, present := have[k]
		if isSecretKey(k) && !isEmptyValue(w) {
			switch {
			case !present || h == nil:
				c.secrets = append(c.secrets, SecretComparison{Path: p, Method: SecretNotEchoed})
			case isMaskedValue(h):
				c.secrets = append(c.secrets, SecretComparison{Path: p, Method: SecretByPresence})
			default:
				c.secrets = append(c.secrets, SecretComparison{Path: p, Method: SecretByValue})
				if !reflect.DeepEqual(w, h) {
					c.change(p, h, w, true)
				}
			}
			continue
		}
		wm, wIsMap := w.(map[string]any)
		hm, hIsMap := h.(map[string]any)
		if wIsMap && (hIsMap || !present) {
			c.tree(p, wm, hm)
			continue
		}
		if !present || !reflect.DeepEqual(w, h) {
			if !present && isEmptyValue(w) {
				continue // an empty value the API leaves out is no change
			}
			var old any
			if present {
				old = h
			}
			c.change(p, old, w, false)
		}
	}
}

// isMaskedValue reports whether a secret the API echoed is a mask rather
// than the value: asterisks or bullets, or a word such as "[REDACTED]".
func isMaskedValue(v any) bool {
	s, ok := v.(string)
	if !ok || s == "" {
		return false
	}
	if strings.Trim(s, "*•") == "" {
		return true
	}
	switch strings.ToLower(strings.Trim(s, "[]<>() ")) {
	case "redacted", "masked", "hidden", "secret":
		return true
	}
	return false
}

// maskedOrNil shows a secret value as the placeholder, and an absent one
// as nil.
func maskedOrNil(v any) any {
	if v == nil {
		return nil
	}
	return secretPlaceholder
}

func nilIfEmpty(v any) any {
	if isEmptyObject(v) {
		return nil
	}
	return v
}

func isEmptyObject(v any) bool {
	m, ok := v.(map[string]any)
	return v == nil || (ok && len(m) == 0)
}

// normalizeJSON returns v as encoding/json would decode its encoding, so
// that values of different Go types compare equal when their JSON does.
func normalizeJSON(v any) any {
	if v == nil {
		return nil
	}
	if m, ok := v.(map[string]any); ok && m == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	if json.Unmarshal(b, &out) != nil {
		return v
	}
	return out
}

// wireMap returns the spec as the API receives it, decoded into a map.
func wireMap(spec *AddExportSpec) (map[string]any, error) {
	b, err := WireJSON(spec)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return m, nil
}
