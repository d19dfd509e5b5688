package mammothtest_test

import (
	"context"
	"fmt"
	"log"

	mammoth "github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
)

// Lay out a workspace as a user's might be, and test code that finds a
// dataview from its workspace and id alone.
func ExampleServer_AddFolder() {
	srv := mammothtest.NewServer()
	defer srv.Close()
	srv.AddWorkspace(1, "Acme")
	srv.AddProject(1, 2, "Finance")
	srv.AddFolder(1, 2, 10, 0, "Sales")   // at the project's top level
	srv.AddFolder(1, 2, 11, 10, "2024")   // inside Sales
	srv.AddDataset(1, 2, 3, 11, "orders") // inside Sales/2024
	ref := mammoth.DataviewRef{WorkspaceID: 1, ProjectID: 2, DatasetID: 3, DataviewID: 4}
	srv.AddDataview(ref)
	srv.NameDataview(ref, "Orders by region")

	client := srv.Client()
	found, err := client.Dataviews.Resolve(context.Background(), 1, 4, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%+v\n", found)
	// Output: {WorkspaceID:1 ProjectID:2 DatasetID:3 DataviewID:4}
}

func ExampleServer_AddWorkspace() {
	srv := mammothtest.NewServer()
	defer srv.Close()
	srv.AddWorkspace(1, "Acme")
	srv.AddDataview(mammoth.DataviewRef{WorkspaceID: 2, ProjectID: 1, DatasetID: 1, DataviewID: 1}) // makes "Workspace 2"
	for ws, err := range srv.Client().Dataviews.AllWorkspaces(context.Background()) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(ws.ID, ws.Name)
	}
	// Output:
	// 1 Acme
	// 2 Workspace 2
}

func ExampleServer_AddProject() {
	srv := mammothtest.NewServer()
	defer srv.Close()
	srv.AddProject(1, 7, "Finance")
	for p, err := range srv.Client().Dataviews.AllProjects(context.Background(), 1) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(p.ID, p.Name)
	}
	// Output: 7 Finance
}

func ExampleServer_AddDataset() {
	srv := mammothtest.NewServer()
	defer srv.Close()
	srv.AddFolder(1, 2, 10, 0, "Raw")
	srv.AddDataset(1, 2, 3, 10, "orders.csv")
	for d, err := range srv.Client().Dataviews.AllDatasets(context.Background(), 1, 2) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(d.ID, d.ResourcePath)
	}
	// Output: 3 /workspace:Workspace 1:1/project:Project 2:2/label:Raw:10/datasource:orders.csv:3
}

func ExampleServer_NameDataview() {
	srv := mammothtest.NewServer()
	defer srv.Close()
	ref := mammoth.DataviewRef{WorkspaceID: 1, ProjectID: 2, DatasetID: 3, DataviewID: 4}
	srv.NameDataview(ref, "Orders by region")
	dv, err := srv.Client().Dataviews.GetDataview(context.Background(), ref, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(dv.Name)
	// Output: Orders by region
}

// A pipeline whose tasks add a column: the columns a condition names are
// the last step's, not the source's.
func ExampleServer_SetPipelineColumns() {
	srv := mammothtest.NewServer()
	defer srv.Close()
	ref := mammoth.DataviewRef{WorkspaceID: 1, ProjectID: 2, DatasetID: 3, DataviewID: 4}
	source := []mammoth.Column{{DisplayName: "amount", InternalName: "column_1", Type: mammoth.ColumnTypeNumeric}}
	final := append(source, mammoth.Column{DisplayName: "Band", InternalName: "column_x9", Type: mammoth.ColumnTypeText})
	srv.SetPipelineColumns(ref, source, final)

	cols, err := srv.Client().Dataviews.Columns(context.Background(), ref)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(cols), cols[1].DisplayName, cols[1].InternalName)
	// Output: 2 Band column_x9
}

func ExampleServer_SetColumns() {
	srv := mammothtest.NewServer()
	defer srv.Close()
	ref := mammoth.DataviewRef{WorkspaceID: 1, ProjectID: 2, DatasetID: 3, DataviewID: 4}
	srv.SetColumns(ref, []mammoth.Column{
		{DisplayName: "city", InternalName: "column_1", Type: mammoth.ColumnTypeText},
		{DisplayName: "sales", InternalName: "column_2", Type: mammoth.ColumnTypeNumeric},
	})
	srv.SetCSV(ref, []byte("city,sales\nOslo,12\nLima,7\n")) // the header holds the display names
	for _, c := range srv.Columns(ref) {
		fmt.Println(c.DisplayName, c.InternalName, c.Type)
	}
	// Output:
	// city column_1 TEXT
	// sales column_2 NUMERIC
}

func ExampleServer_Columns() {
	srv := mammothtest.NewServer()
	defer srv.Close()
	ref := mammoth.DataviewRef{WorkspaceID: 1, ProjectID: 2, DatasetID: 3, DataviewID: 4}
	srv.AddDataview(ref)
	fmt.Println(srv.Columns(ref)) // DefaultCSV's columns until SetColumns
	// Output: [{id column_1 NUMERIC} {name column_2 TEXT} {amount column_3 NUMERIC}]
}

func ExampleServer_AnswerDataviewWithJobs() {
	srv := mammothtest.NewServer()
	defer srv.Close()
	ref := mammoth.DataviewRef{WorkspaceID: 1, ProjectID: 2, DatasetID: 3, DataviewID: 4}
	srv.AddDataview(ref)
	srv.AnswerDataviewWithJobs(ref, 1) // the API is still preparing the dataview

	dv, err := srv.Client().Dataviews.GetDataview(context.Background(), ref, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(dv.ID, srv.RequestCount(mammothtest.RouteGetDataview), "reads")
	// Output: 4 2 reads
}
