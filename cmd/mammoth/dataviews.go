package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"iter"
	"slices"
	"text/tabwriter"

	"github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
)

// idsUpTo are the first n ids of a dataview's path (workspace, project,
// dataset), all required.
func idsUpTo(n int) func() *idFlags {
	return func() *idFlags { return &idFlags{ids: slices.Clone(allIDs[:n]), required: true} }
}

// workspacesCommands are the commands of "mammoth workspaces".
var workspacesCommands = []command{
	{name: "list", summary: "List the workspaces the credentials can see",
		doc: "Every workspace, page after page, in the API's order (by name).",
		setup: func(*flag.FlagSet) action {
			return func(ctx context.Context, c *call) error {
				return printList(c, "workspaces", c.client.Dataviews.AllWorkspaces(ctx), "ID\tNAME\tSTATUS",
					func(w *mammoth.Workspace) string {
						return fmt.Sprintf("%d\t%s\t%s", w.ID, orDash(w.Name), orDash(w.Status))
					})
			}
		}},
}

// projectsCommands are the commands of "mammoth projects".
var projectsCommands = []command{
	{name: "list", summary: "List the projects of a workspace",
		doc: "Every project of --workspace, page after page, by id.",
		setup: func(*flag.FlagSet) action {
			return func(ctx context.Context, c *call) error {
				return printList(c, "projects", c.client.Dataviews.AllProjects(ctx, c.ref.WorkspaceID), "ID\tNAME\tSTATUS",
					func(p *mammoth.Project) string {
						return fmt.Sprintf("%d\t%s\t%s", p.ID, orDash(p.Name), orDash(p.Status))
					})
			}
		}},
}

// datasetsCommands are the commands of "mammoth datasets".
var datasetsCommands = []command{
	{name: "list", summary: "List the datasets of a project",
		doc: "Every dataset of --project, page after page, by id, with the folders it is in.",
		setup: func(*flag.FlagSet) action {
			return func(ctx context.Context, c *call) error {
				return printList(c, "datasets", c.client.Dataviews.AllDatasets(ctx, c.ref.WorkspaceID, c.ref.ProjectID),
					"ID\tNAME\tSTATUS\tPATH", func(d *mammoth.Dataset) string {
						return fmt.Sprintf("%d\t%s\t%s\t%s", d.ID, orDash(d.Name), orDash(d.Status), orDash(d.ResourcePath))
					})
			}
		}},
}

// dataviewsCommands are the commands of "mammoth dataviews".
var dataviewsCommands = []command{
	{name: "list", ids: idsUpTo(3), summary: "List the dataviews of a dataset",
		doc: "Every dataview of --dataset, page after page.",
		setup: func(*flag.FlagSet) action {
			return func(ctx context.Context, c *call) error {
				return printList(c, "dataviews", c.client.Dataviews.AllDataviews(ctx, c.ref.WorkspaceID, c.ref.ProjectID, c.ref.DatasetID),
					"ID\tNAME\tSTATUS\tROWS\tCOLUMNS", func(d *mammoth.Dataview) string {
						return fmt.Sprintf("%d\t%s\t%s\t%s\t%s", d.ID, orDash(d.Name), orDash(d.Status), cell(d.RowCount), cell(d.ColumnCount))
					})
			}
		}},
	{name: "columns", ids: dataviewIDs, summary: "List a dataview's columns, as its pipeline's last step has them",
		doc: "Display names are what --where and conditions use; internal names are what\n" +
			"the API stores. --workspace and --dataview are enough: the rest is found.",
		setup: func(*flag.FlagSet) action {
			return func(ctx context.Context, c *call) error {
				cols, err := c.client.Dataviews.Columns(ctx, c.ref)
				if err != nil {
					return err
				}
				type column struct {
					DisplayName  string             `json:"display_name"`
					InternalName string             `json:"internal_name"`
					Type         mammoth.ColumnType `json:"type"`
				}
				view := make([]column, len(cols))
				for i, col := range cols {
					view[i] = column{col.DisplayName, col.InternalName, col.Type}
				}
				if c.out.format == "jsonl" {
					for _, col := range view {
						if err := c.out.json(col); err != nil {
							return err
						}
					}
					return nil
				}
				return c.out.print(map[string]any{"columns": view}, func(tw *tabwriter.Writer) error {
					fmt.Fprintln(tw, "NAME\tINTERNAL NAME\tTYPE")
					for _, col := range view {
						fmt.Fprintf(tw, "%s\t%s\t%s\n", col.DisplayName, col.InternalName, col.Type)
					}
					return nil
				})
			}
		}},
}

// printList prints every item of a walk: a table, {key: [...]} as JSON,
// or with jsonl each item as it arrives.
func printList[T any](c *call, key string, seq iter.Seq2[T, error], header string, row func(T) string) error {
	var all []T
	for v, err := range seq {
		if err != nil {
			return err
		}
		if c.out.format == "jsonl" {
			if err := c.out.json(v); err != nil {
				return err
			}
			continue
		}
		all = append(all, v)
	}
	if c.out.format == "jsonl" {
		return nil
	}
	if all == nil {
		all = []T{}
	}
	return c.out.print(map[string]any{key: all}, func(tw *tabwriter.Writer) error {
		fmt.Fprintln(tw, header)
		for _, v := range all {
			fmt.Fprintln(tw, row(v))
		}
		return nil
	})
}

// findRef completes the ref of a dataview command given --workspace and
// --dataview without --project or --dataset: it asks the API where the
// dataview is, and with --verbose says what it found. A --dataset that
// does not hold the dataview is an error.
func (c *call) findRef(ctx context.Context, ids *idFlags, verbose bool) error {
	if !ids.lookup || c.demo || (ids.given("project") && ids.given("dataset")) {
		return nil
	}
	ref, err := c.client.Dataviews.Resolve(ctx, c.ref.WorkspaceID, c.ref.DataviewID, &mammoth.ResolveOptions{ProjectID: c.ref.ProjectID})
	if err != nil {
		var nf *mammoth.DataviewNotFoundError
		if errors.As(err, &nf) {
			return &cliError{code: exitNotFound, kind: "not_found",
				msg: nf.Error()[len("mammoth: "):] + "; check --workspace and --dataview, or give --project and --dataset"}
		}
		return err
	}
	if ids.given("dataset") && ref.DatasetID != c.ref.DatasetID {
		return usagef("dataview %d is in dataset %d, not --dataset %d", ref.DataviewID, ref.DatasetID, c.ref.DatasetID)
	}
	if verbose {
		fmt.Fprintf(c.env.stderr, "mammoth: dataview %d of workspace %d is in project %d, dataset %d (found by browsing the workspace; --project %d --dataset %d skips the search)\n",
			ref.DataviewID, ref.WorkspaceID, ref.ProjectID, ref.DatasetID, ref.ProjectID, ref.DatasetID)
	}
	c.ref = ref
	return nil
}

// given reports whether the id flag named name was set, by flag or
// environment.
func (f *idFlags) given(name string) bool {
	for _, id := range f.ids {
		if id.name == name {
			return id.set
		}
	}
	return false
}

// seedDemoTree names the demo's workspace, project, dataset and dataview
// and gives the dataview the columns of its CSV, so that the discovery
// commands have something to show.
func seedDemoTree(srv *mammothtest.Server) {
	srv.AddWorkspace(demoRef.WorkspaceID, "Demo workspace")
	srv.AddProject(demoRef.WorkspaceID, demoRef.ProjectID, "Sales")
	srv.AddFolder(demoRef.WorkspaceID, demoRef.ProjectID, 1, 0, "Imports")
	srv.AddDataset(demoRef.WorkspaceID, demoRef.ProjectID, demoRef.DatasetID, 1, "orders.csv")
	srv.NameDataview(demoRef, "Orders by region")
	srv.SetColumns(demoRef, []mammoth.Column{
		{DisplayName: "region", InternalName: "column_1", Type: mammoth.ColumnTypeText},
		{DisplayName: "month", InternalName: "column_2", Type: mammoth.ColumnTypeText},
		{DisplayName: "orders", InternalName: "column_3", Type: mammoth.ColumnTypeNumeric},
		{DisplayName: "revenue", InternalName: "column_4", Type: mammoth.ColumnTypeNumeric},
	})
}
