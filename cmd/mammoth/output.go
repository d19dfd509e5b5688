package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/mammoth-io/mammoth-go"
)

// printer writes results to stdout in the chosen format: an aligned table,
// one indented JSON document (json), or one JSON document a line (jsonl).
type printer struct {
	w      io.Writer
	format outputFormat
}

func (p *printer) json(v any) error {
	enc := json.NewEncoder(p.w)
	enc.SetEscapeHTML(false)
	if p.format != "jsonl" {
		enc.SetIndent("", "  ")
	}
	return enc.Encode(v)
}

// print writes v as JSON, or as the table that table writes.
func (p *printer) print(v any, table func(tw *tabwriter.Writer) error) error {
	if p.format.isJSON() {
		return p.json(v)
	}
	tw := tabwriter.NewWriter(p.w, 0, 4, 2, ' ', 0)
	if err := table(tw); err != nil {
		return err
	}
	return tw.Flush()
}

// record prints one object: in a table, a line for each of its JSON keys.
func (p *printer) record(v any) error {
	return p.print(v, func(tw *tabwriter.Writer) error { return writeRecord(tw, "", v) })
}

// changeView is the output of a command that changes the pipeline: the
// API's immediate answer, or the job that carries the change out (with
// --wait, as it finished). Both keys are always present, null when unset.
type changeView struct {
	Modification *mammoth.PipelineExportsModificationResp `json:"modification"`
	Job          *mammoth.Job                             `json:"job"`
}

func (p *printer) change(v changeView) error {
	return p.print(v, func(tw *tabwriter.Writer) error {
		if v.Modification == nil && v.Job == nil {
			_, err := fmt.Fprintln(tw, "done: the API answered with no details")
			return err
		}
		if err := writeRecord(tw, "", v.Modification); err != nil {
			return err
		}
		return writeRecord(tw, "job.", v.Job)
	})
}

// downloadView is the output of download-csv --out.
type downloadView struct {
	File  string `json:"file"`
	Bytes int64  `json:"bytes"`
}

// writeRecord writes a "key  value" line for each key of v's JSON object
// that is not null, in the order they are encoded; nested objects and
// lists are written as compact JSON.
func writeRecord(w io.Writer, prefix string, v any) error {
	var data bytes.Buffer
	enc := json.NewEncoder(&data)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	dec := json.NewDecoder(&data)
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return err // null: nothing to write
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return err
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		if string(raw) == "null" {
			continue
		}
		if _, err := fmt.Fprintf(w, "%s%s\t%s\n", prefix, key, cellJSON(raw)); err != nil {
			return err
		}
	}
	return nil
}

// cellJSON is a JSON value as a table shows it: a string as its text,
// anything else as compact JSON without the escapes the API may have sent
// ("\u0026" for "&").
func cellJSON(raw json.RawMessage) string {
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if dec.Decode(&v) != nil {
		return string(raw)
	}
	if s, ok := v.(string); ok {
		return s
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if enc.Encode(v) != nil {
		return string(raw)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// listView is the JSON output of exports list: the page's limit, offset
// and next link as the API sent them (left out with --all), and the
// exports.
type listView struct {
	Limit   *int                      `json:"limit,omitempty"`
	Offset  *int                      `json:"offset,omitempty"`
	Next    *string                   `json:"next,omitempty"`
	Exports []*mammoth.ItemExportInfo `json:"exports"`
}

// list prints one page of exports, or every page. With jsonl each export
// is written as soon as it arrives.
func (c *call) list(ctx context.Context, opts *mammoth.ListExportsOptions, all bool) error {
	view := listView{Exports: []*mammoth.ItemExportInfo{}}
	emit := func(e *mammoth.ItemExportInfo) error {
		if e == nil {
			// The SDK refuses a page with null items; should one get
			// through, the table must not crash on it.
			return nil
		}
		if c.out.format == "jsonl" {
			return c.out.json(redacted(e))
		}
		view.Exports = append(view.Exports, redacted(e))
		return nil
	}
	if all {
		for e, err := range c.client.Exports.AllExports(ctx, c.ref, opts) {
			if err != nil {
				return err
			}
			if err := emit(e); err != nil {
				return err
			}
		}
	} else {
		page, err := c.client.Exports.ListExports(ctx, c.ref, opts)
		if err != nil {
			return err
		}
		for _, e := range page.Exports {
			if err := emit(e); err != nil {
				return err
			}
		}
		view.Limit, view.Offset, view.Next = page.Limit, page.Offset, &page.Next
	}
	if c.out.format == "jsonl" {
		return nil
	}
	if err := c.out.print(view, func(tw *tabwriter.Writer) error { return exportsTable(tw, view.Exports) }); err != nil {
		return err
	}
	if !c.out.format.isJSON() && view.Next != nil && *view.Next != "" {
		fmt.Fprintf(c.env.stderr, "More exports follow: add --all, or --offset %d.\n", opts.Offset+len(view.Exports))
	}
	return nil
}

func exportsTable(w io.Writer, exports []*mammoth.ItemExportInfo) error {
	fmt.Fprintln(w, "ID\tSEQ\tHANDLER\tTRIGGER\tSTATUS\tRUNNABLE\tTARGET\tLAST MODIFIED")
	for _, e := range exports {
		modified := "-"
		if e.LastModifiedTime != nil {
			modified = e.LastModifiedTime.UTC().Format("2006-01-02 15:04")
		}
		_, err := fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", cell(e.ID), cell(e.Sequence),
			orDash(string(e.HandlerType)), orDash(string(e.TriggerType)), orDash(string(e.Status)),
			cell(e.Runnable), orDash(targetSummary(e.TargetProperties)), modified)
		if err != nil {
			return err
		}
	}
	return nil
}

// targetKeys are the target_properties keys that say where an export
// writes, in the order the TARGET column looks for them.
var targetKeys = []string{"file", "file_name", "DS_NAME", "table", "index", "emails", "site_url", "endpoint_path", "server_url", "container_name"}

// targetSummary names where an export writes, for the TARGET column.
func targetSummary(tp mammoth.RawTargetProperties) string {
	for _, k := range targetKeys {
		switch v := tp[k].(type) {
		case string:
			if v != "" {
				return v
			}
		case []any:
			parts := make([]string, len(v))
			for i, x := range v {
				parts[i] = fmt.Sprint(x)
			}
			return strings.Join(parts, ",")
		}
	}
	return ""
}

// cell formats an optional value for a table, "-" when unset.
func cell[T any](v *T) string {
	if v == nil {
		return "-"
	}
	return fmt.Sprint(*v)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// redacted returns a copy of e whose target properties have their secrets
// (passwords, keys, tokens) replaced by "[REDACTED]", in case the API
// sends them back.
func redacted(e *mammoth.ItemExportInfo) *mammoth.ItemExportInfo {
	if e == nil {
		return nil
	}
	cp := *e
	if cp.TargetProperties != nil {
		cp.TargetProperties = mammoth.RawTargetProperties(mammoth.RedactedTargetProperties(cp.TargetProperties))
	}
	return &cp
}
