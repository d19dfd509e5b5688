package mammoth_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
)

// discoveryFake starts the fake API with a workspace laid out as a user's
// might be: dataview 2311 sits in dataset 121, inside folder "2024" of
// folder "Sales", in project 7 of workspace 4, next to project 6.
func discoveryFake() (*mammothtest.Server, *mammoth.Client) {
	srv := mammothtest.NewServer()
	srv.AddWorkspace(4, "Acme")
	srv.AddProject(4, 6, "Marketing")
	srv.AddDataview(mammoth.DataviewRef{WorkspaceID: 4, ProjectID: 6, DatasetID: 50, DataviewID: 900})
	srv.AddProject(4, 7, "Finance")
	srv.AddFolder(4, 7, 1, 0, "Sales")
	srv.AddFolder(4, 7, 2, 1, "2024")
	srv.AddDataset(4, 7, 121, 2, "orders.csv")
	ref := mammoth.DataviewRef{WorkspaceID: 4, ProjectID: 7, DatasetID: 121, DataviewID: 2311}
	srv.AddDataview(ref)
	srv.NameDataview(ref, "Orders by region")
	srv.SetPipelineColumns(ref,
		[]mammoth.Column{{DisplayName: "region", InternalName: "column_1", Type: mammoth.ColumnTypeText}},
		[]mammoth.Column{
			{DisplayName: "Region", InternalName: "column_a1b2c3d4e5", Type: mammoth.ColumnTypeText},
			{DisplayName: "Sales", InternalName: "column_f6g7h8i9j0", Type: mammoth.ColumnTypeNumeric},
		})
	srv.SeedExports(ref, mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypePipeline})
	client, err := mammoth.NewClient(srv.APIKey(), srv.APISecret(), mammoth.WithBaseURL(srv.URL()))
	if err != nil {
		log.Fatal(err)
	}
	return srv, client
}

func ExampleDataviewsService_Resolve() {
	srv, client := discoveryFake()
	defer srv.Close()
	ctx := context.Background()

	// Workspace 4 and dataview 2311, as in the app's URL: the project and
	// the dataset are found.
	ref, err := client.Dataviews.Resolve(ctx, 4, 2311, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%+v\n", ref)
	fmt.Println("requests:", len(srv.Requests()))

	// Again: from the client's cache.
	if _, err := client.Dataviews.Resolve(ctx, 4, 2311, nil); err != nil {
		log.Fatal(err)
	}
	fmt.Println("requests:", len(srv.Requests()))

	_, err = client.Dataviews.Resolve(ctx, 4, 12345, &mammoth.ResolveOptions{ProjectID: 7})
	fmt.Println(errors.Is(err, mammoth.ErrNotFound), err)
	// Output:
	// {WorkspaceID:4 ProjectID:7 DatasetID:121 DataviewID:2311}
	// requests: 4
	// requests: 4
	// true mammoth: dataview 12345 not found in project 7 of workspace 4 (2 folders searched)
}

func ExampleWithResolveCache() {
	srv, _ := discoveryFake()
	defer srv.Close()
	// A long-running service bounds the cache to the dataviews it uses;
	// WithResolveCache(0) turns it off.
	client, err := mammoth.NewClient(srv.APIKey(), srv.APISecret(), mammoth.WithBaseURL(srv.URL()),
		mammoth.WithResolveCache(100))
	if err != nil {
		log.Fatal(err)
	}
	ref, err := client.Dataviews.Resolve(context.Background(), 4, 2311, &mammoth.ResolveOptions{ProjectID: 7})
	fmt.Println(ref.DatasetID, err)
	// Output: 121 <nil>
}

func ExampleDataviewsService_ClearResolveCache() {
	srv, client := discoveryFake()
	defer srv.Close()
	ctx := context.Background()
	opts := &mammoth.ResolveOptions{ProjectID: 7}
	if _, err := client.Dataviews.Resolve(ctx, 4, 2311, opts); err != nil {
		log.Fatal(err)
	}
	srv.ClearRequests()
	client.Dataviews.ClearResolveCache()
	if _, err := client.Dataviews.Resolve(ctx, 4, 2311, opts); err != nil {
		log.Fatal(err)
	}
	fmt.Println("searched again with", len(srv.Requests()), "requests")
	// Output: searched again with 2 requests
}

func ExampleDataviewsService_ForgetResolved() {
	srv, client := discoveryFake()
	defer srv.Close()
	ctx := context.Background()
	ref, err := client.Dataviews.Resolve(ctx, 4, 2311, nil)
	if err != nil {
		log.Fatal(err)
	}
	// A call with a cached ref answered 404: the dataview may have been
	// deleted. Forget it, so that the next Resolve searches again.
	if _, err := client.Exports.ListExports(ctx, ref, nil); errors.Is(err, mammoth.ErrNotFound) {
		client.Dataviews.ForgetResolved(ref.WorkspaceID, ref.DataviewID)
	}
	fmt.Println(ref.ProjectID, ref.DatasetID)
	// Output: 7 121
}

func ExampleDataviewsService_GetDataview() {
	srv, client := discoveryFake()
	defer srv.Close()
	ref := mammoth.DataviewRef{WorkspaceID: 4, ProjectID: 7, DatasetID: 121, DataviewID: 2311}
	dv, err := client.Dataviews.GetDataview(context.Background(), ref, &mammoth.GetDataviewOptions{Fields: mammoth.FieldsFull})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(dv.Name, *dv.RowCount, dv.PipelineStatus, len(dv.TaskwiseInfo))
	// Output: Orders by region 3 ready 1
}

func ExampleDataviewsService_Columns() {
	srv, client := discoveryFake()
	defer srv.Close()
	ref := mammoth.DataviewRef{WorkspaceID: 4, ProjectID: 7, DatasetID: 121, DataviewID: 2311}
	cols, err := client.Dataviews.Columns(context.Background(), ref)
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range cols {
		fmt.Println(c.DisplayName, c.InternalName, c.Type)
	}
	// Output:
	// Region column_a1b2c3d4e5 TEXT
	// Sales column_f6g7h8i9j0 NUMERIC
}

func ExampleDataviewsService_ResolveCondition() {
	srv, client := discoveryFake()
	defer srv.Close()
	ref := mammoth.DataviewRef{WorkspaceID: 4, ProjectID: 7, DatasetID: 121, DataviewID: 2311}
	c, err := mammoth.ParseCondition("Sales >= 1000 and Region = 'West'")
	if err != nil {
		log.Fatal(err)
	}
	resolved, err := client.Dataviews.ResolveCondition(context.Background(), ref, c)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resolved)
	// Output: column_f6g7h8i9j0 >= 1000 and column_a1b2c3d4e5 in ('West')
}

func ExampleDataviewsService_AllWorkspaces() {
	srv, client := discoveryFake()
	defer srv.Close()
	for ws, err := range client.Dataviews.AllWorkspaces(context.Background()) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(ws.ID, ws.Name)
	}
	// Output: 4 Acme
}

func ExampleDataviewsService_AllProjects() {
	srv, client := discoveryFake()
	defer srv.Close()
	for p, err := range client.Dataviews.AllProjects(context.Background(), 4) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(p.ID, p.Name)
	}
	// Output:
	// 6 Marketing
	// 7 Finance
}

func ExampleDataviewsService_AllDatasets() {
	srv, client := discoveryFake()
	defer srv.Close()
	for d, err := range client.Dataviews.AllDatasets(context.Background(), 4, 7) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(d.ID, d.Name, d.ResourcePath)
	}
	// Output: 121 orders.csv /workspace:Acme:4/project:Finance:7/label:Sales:1/label:2024:2/datasource:orders.csv:121
}

func ExampleDataviewsService_AllDataviews() {
	srv, client := discoveryFake()
	defer srv.Close()
	for dv, err := range client.Dataviews.AllDataviews(context.Background(), 4, 7, 121) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(dv.ID, dv.Name)
	}
	// Output: 2311 Orders by region
}

func ExampleDataviewsService_ProjectExports() {
	srv, client := discoveryFake()
	defer srv.Close()
	exports, err := client.Dataviews.ProjectExports(context.Background(), 4, 7)
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range exports {
		fmt.Println(*e.ID, *e.DataviewID, e.HandlerType, e.TriggerType)
	}
	// Output: 101 2311 s3 pipeline
}
