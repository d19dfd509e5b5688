package mammoth_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
)

var planRef = mammoth.DataviewRef{WorkspaceID: 1, ProjectID: 2, DatasetID: 3, DataviewID: 4}

// planServer is a fake with one dataview and a client for it.
func planServer(t *testing.T, opts ...mammothtest.Option) (*mammothtest.Server, *mammoth.Client) {
	t.Helper()
	srv := mammothtest.NewServer(append([]mammothtest.Option{mammothtest.WithJobPolls(1)}, opts...)...)
	t.Cleanup(srv.Close)
	srv.AddDataview(planRef)
	return srv, srv.Client(mammoth.WithRetryPolicy(mammoth.RetryPolicy{MaxRetries: 3}))
}

// destination is one typed destination: two specs for different places, and
// a change of the first that keeps its place.
type destination struct {
	handler  mammoth.HandlerType
	target   func(variant int) mammoth.TargetProperties // 0: first place, 1: first place changed, 2: another place
	field    string                                     // the path variant 1 changes
	identity string                                     // the identity of variant 0
}

func databaseTarget(h mammoth.HandlerType) func(int) mammoth.TargetProperties {
	return func(v int) mammoth.TargetProperties {
		p := mammoth.DatabaseTargetProperties{Handler: h, Host: "db.example.com", Username: "loader", Password: "pw-1", Database: "sales", Table: "daily"}
		switch v {
		case 1:
			p.Username = "writer"
		case 2:
			p.Table = "weekly"
		}
		return p
	}
}

func destinations() []destination {
	azure := mammoth.AzureAppCredentials{TenantID: "t", ClientID: "c", ClientSecret: "cs"}
	return []destination{
		{mammoth.HandlerTypeS3, func(v int) mammoth.TargetProperties {
			p := mammoth.S3TargetProperties{File: "daily.csv", FileType: mammoth.ExportFileTypeCSV}
			switch v {
			case 1:
				p.FileType = mammoth.ExportFileTypeJSON
			case 2:
				p.File = "weekly.csv"
			}
			return p
		}, "target_properties.file_type", "s3 file=daily.csv"},
		{mammoth.HandlerTypePostgres, databaseTarget(mammoth.HandlerTypePostgres), "target_properties.username", "postgres host=db.example.com port=5432 database=sales table=daily"},
		{mammoth.HandlerTypeMySQL, databaseTarget(mammoth.HandlerTypeMySQL), "target_properties.username", "mysql host=db.example.com port=3306 database=sales table=daily"},
		{mammoth.HandlerTypeMSSQL, databaseTarget(mammoth.HandlerTypeMSSQL), "target_properties.username", "mssql host=db.example.com port=1433 database=sales table=daily"},
		{mammoth.HandlerTypeRedshift, databaseTarget(mammoth.HandlerTypeRedshift), "target_properties.username", "redshift host=db.example.com port=5439 database=sales table=daily"},
		{mammoth.HandlerTypeFTP, func(v int) mammoth.TargetProperties {
			p := mammoth.FTPTargetProperties{Domain: "ftp.example.com", Username: "u", Password: "p", Directory: "/out", File: "a.csv"}
			switch v {
			case 1:
				p.Username = "v"
			case 2:
				p.File = "b.csv"
			}
			return p
		}, "target_properties.username", "ftp domain=ftp.example.com port=21 directory=/out file=a.csv"},
		{mammoth.HandlerTypeSFTP, func(v int) mammoth.TargetProperties {
			p := mammoth.SFTPTargetProperties{Host: "sftp.example.com", Username: "u", Password: "p", Directory: "/out", FileName: "a.csv"}
			switch v {
			case 1:
				p.Username = "v"
			case 2:
				p.Directory = "/in"
			}
			return p
		}, "target_properties.username", "sftp host=sftp.example.com port=22 directory=/out file_name=a.csv"},
		{mammoth.HandlerTypeEmail, func(v int) mammoth.TargetProperties {
			p := mammoth.EmailTargetProperties{Emails: []string{"b@example.com", "a@example.com"}, Subject: "Daily"}
			switch v {
			case 1:
				p.Subject = "Daily sales"
			case 2:
				p.Emails = []string{"c@example.com"}
			}
			return p
		}, "target_properties.subject", "email emails=a@example.com,b@example.com"},
		{mammoth.HandlerTypeElasticsearch, func(v int) mammoth.TargetProperties {
			p := mammoth.ElasticsearchTargetProperties{Host: "es.example.com", Username: "u", Password: "p", Index: "sales", Connection: mammoth.ElasticsearchConnection("https")}
			switch v {
			case 1:
				p.ChunkSize = 500
			case 2:
				p.Index = "costs"
			}
			return p
		}, "target_properties.chunksize", "elasticsearch host=es.example.com port=9243 index=sales"},
		{mammoth.HandlerTypeBigQuery, func(v int) mammoth.TargetProperties {
			p := mammoth.BigQueryTargetProperties{
				SelectedProfile:  mammoth.BigQueryProfile{Name: "prod", Value: [][]string{{"project", "p1"}}},
				SelectedIdentity: mammoth.BigQueryIdentity{IdentityConfig: map[string]any{"private_key": "k"}},
				Table:            "daily",
			}
			switch v {
			case 1:
				p.ExportType = mammoth.BigQueryExportTypeCombine
			case 2:
				p.Table = "weekly"
			}
			return p
		}, "target_properties.exportType", "bigquery database= table=daily"},
		{mammoth.HandlerTypeAzureBlob, func(v int) mammoth.TargetProperties {
			p := mammoth.AzureBlobTargetProperties{AzureAppCredentials: azure, StorageAccountName: "acct", ContainerName: "exports", FileName: "a.csv"}
			switch v {
			case 1:
				p.TenantID = "t2"
			case 2:
				p.FileName = "b.csv"
			}
			return p
		}, "target_properties.tenant_id", "azure_blob storage_account_name=acct container_name=exports folder_path= file_name=a.csv"},
		{mammoth.HandlerTypeSharePoint, func(v int) mammoth.TargetProperties {
			p := mammoth.SharePointTargetProperties{AzureAppCredentials: azure, SiteURL: "https://sp.example.com/sites/a", FileName: "a.csv"}
			switch v {
			case 1:
				p.ClientID = "c2"
			case 2:
				p.FolderPath = "reports"
			}
			return p
		}, "target_properties.client_id", "sharepoint site_url=https://sp.example.com/sites/a document_library= folder_path= file_name=a.csv"},
		{mammoth.HandlerTypeOneDrive, func(v int) mammoth.TargetProperties {
			p := mammoth.OneDriveTargetProperties{AzureAppCredentials: azure, UserID: "me", FileName: "a.csv"}
			switch v {
			case 1:
				p.TenantID = "t2"
			case 2:
				p.UserID = "you"
			}
			return p
		}, "target_properties.tenant_id", "onedrive user_id=me folder_path= file_name=a.csv"},
		{mammoth.HandlerTypeTableauServer, func(v int) mammoth.TargetProperties {
			p := mammoth.TableauServerTargetProperties{ServerURL: "https://tableau.example.com", TokenName: "n", TokenSecret: "s", DatasourceName: "sales"}
			switch v {
			case 1:
				p.TokenName = "m"
			case 2:
				p.DatasourceName = "costs"
			}
			return p
		}, "target_properties.token_name", "tableau_server server_url=https://tableau.example.com site_name= project_name= datasource_name=sales"},
		{mammoth.HandlerTypePowerBI, func(v int) mammoth.TargetProperties {
			p := mammoth.PowerBITargetProperties{Username: "u", Password: "p", ClientID: "c", Dataset: "sales", Table: "daily"}
			switch v {
			case 1:
				p.Username = "v"
			case 2:
				p.Table = "weekly"
			}
			return p
		}, "target_properties.username", "powerbi dataset=sales table=daily"},
		{mammoth.HandlerTypeGenericRESTAPIExport, func(v int) mammoth.TargetProperties {
			p := mammoth.RESTAPITargetProperties{BaseURL: "https://api.example.com", EndpointPath: "/ingest"}
			switch v {
			case 1:
				p.BatchSize = 50
			case 2:
				p.EndpointPath = "/other"
			}
			return p
		}, "target_properties.batch_size", "generic_rest_api_export http_method=POST base_url=https://api.example.com endpoint_path=/ingest"},
		{mammoth.HandlerTypeInternalDataset, func(v int) mammoth.TargetProperties {
			p := mammoth.InternalDatasetTargetProperties{DatasetName: "Sales copy"}
			switch v {
			case 1:
				p.SaveAsDatasetMode = mammoth.SaveAsDatasetAppend
			case 2:
				p.DatasetName = "Costs copy"
			}
			return p
		}, "target_properties.SAVE_AS_DS_MODE", `internal_dataset DS_NAME="Sales copy"`},
		{mammoth.HandlerTypePublishDB, func(v int) mammoth.TargetProperties {
			p := mammoth.PublishDBTargetProperties{OdbcType: mammoth.OdbcType("postgres"), Table: "daily"}
			switch v {
			case 1:
				p.Database = "analytics"
			case 2:
				p.Table = "weekly"
			}
			return p
		}, "target_properties.database", "publishdb table=daily"},
	}
}

func specFor(d destination, variant int) *mammoth.AddExportSpec {
	return &mammoth.AddExportSpec{HandlerType: d.handler, TriggerType: mammoth.TriggerTypePipeline, TargetProperties: d.target(variant)}
}

func TestPlan_EveryTypedDestinationAddsChangesAndDeletes(t *testing.T) {
	for _, d := range destinations() {
		t.Run(string(d.handler), func(t *testing.T) {
			srv, client := planServer(t)
			ctx := context.Background()
			// The pipeline has the first place as it was, and a place no
			// longer wanted.
			for _, v := range []int{0, 2} {
				_, err := client.Exports.AddExport(ctx, planRef, specFor(d, v))
				require.NoError(t, err)
			}
			before := srv.Exports(planRef)
			require.Len(t, before, 2)
			changedID, prunedID := *before[0].ID, *before[1].ID
			other := specFor(d, 0)
			other.TriggerType = mammoth.TriggerTypeNone
			other.TargetProperties = d.target(1)
			desired := []*mammoth.AddExportSpec{other}
			srv.ClearRequests()

			plan, err := client.Exports.Plan(ctx, planRef, desired, &mammoth.PlanOptions{Prune: true, Names: []string{"main"}})
			require.NoError(t, err)
			for _, r := range srv.Requests() {
				assert.Equal(t, "GET", r.Method, "planning only reads")
			}
			require.Len(t, plan.Changes, 2)
			change, del := plan.Changes[0], plan.Changes[1]
			assert.Equal(t, mammoth.PlanChange, change.Action)
			assert.Equal(t, "main", change.Label())
			assert.Equal(t, changedID, change.ExportID)
			assert.Equal(t, d.identity, change.Identity)
			var paths []string
			for _, f := range change.Fields {
				paths = append(paths, f.Path)
			}
			assert.Equal(t, []string{"trigger_type", d.field}, paths)
			assert.Equal(t, mammoth.PlanDelete, del.Action)
			assert.Equal(t, prunedID, del.ExportID)

			res, err := client.Exports.Apply(ctx, planRef, plan, nil)
			require.NoError(t, err)
			require.Len(t, res.Applied, 2)
			after := srv.Exports(planRef)
			require.Len(t, after, 1)
			assert.Equal(t, changedID, *after[0].ID, "a change keeps the export's id")
			assert.Equal(t, mammoth.TriggerTypeNone, after[0].TriggerType)

			again, err := client.Exports.Plan(ctx, planRef, desired, &mammoth.PlanOptions{Prune: true})
			require.NoError(t, err)
			assert.False(t, again.HasChanges(), "%+v", again.Changes)
		})
	}
}

func TestPlan_AddsWhatIsMissingAndApplyTwiceChangesNothing(t *testing.T) {
	srv, client := planServer(t)
	ctx := context.Background()
	var desired []*mammoth.AddExportSpec
	for _, d := range destinations() {
		desired = append(desired, specFor(d, 0), specFor(d, 2))
	}
	plan, err := client.Exports.Plan(ctx, planRef, desired, nil)
	require.NoError(t, err)
	assert.Equal(t, len(desired), plan.Count(mammoth.PlanAdd))
	var reported []int
	_, err = client.Exports.Apply(ctx, planRef, plan, &mammoth.ApplyOptions{OnChange: func(c mammoth.AppliedChange) {
		require.NoError(t, c.Err)
		reported = append(reported, c.Index)
	}})
	require.NoError(t, err)
	for i := range reported {
		assert.Equal(t, i, reported[i], "adds are made in the desired order")
	}
	assert.Len(t, srv.Exports(planRef), len(desired))
	assert.Equal(t, len(desired), srv.RequestCount(mammothtest.RouteAddExport))

	again, err := client.Exports.Plan(ctx, planRef, desired, &mammoth.PlanOptions{Prune: true})
	require.NoError(t, err)
	assert.False(t, again.HasChanges())
	assert.Equal(t, len(desired), again.Count(mammoth.PlanUnchanged))
	srv.ClearRequests()
	res, err := client.Exports.Apply(ctx, planRef, again, nil)
	require.NoError(t, err)
	assert.Empty(t, res.Applied)
	assert.Zero(t, srv.RequestCount(mammothtest.RouteAddExport)+srv.RequestCount(mammothtest.RouteEditExport)+srv.RequestCount(mammothtest.RouteDeleteExport))
}

func TestPlan_TwoDesiredExportsWithOneDestinationAreRefusedBeforeAnythingIsSent(t *testing.T) {
	srv, client := planServer(t)
	a := &mammoth.AddExportSpec{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypePipeline, TargetProperties: mammoth.S3TargetProperties{File: "a.csv"}}
	b := &mammoth.AddExportSpec{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone, TargetProperties: mammoth.RawTargetProperties{"file": "a.csv"}}
	_, err := client.Exports.Plan(context.Background(), planRef, []*mammoth.AddExportSpec{a, b}, nil)
	var ve *mammoth.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "desired[1]", ve.Field)
	assert.Contains(t, ve.Reason, "desired[0]")
	assert.Empty(t, srv.Requests())

	// Recipients are a set: order and case do not make another destination.
	c := &mammoth.AddExportSpec{HandlerType: mammoth.HandlerTypeEmail, TriggerType: mammoth.TriggerTypeNone, TargetProperties: mammoth.EmailTargetProperties{Emails: []string{"A@x.com", "b@x.com"}}}
	d := &mammoth.AddExportSpec{HandlerType: mammoth.HandlerTypeEmail, TriggerType: mammoth.TriggerTypeNone, TargetProperties: mammoth.EmailTargetProperties{Emails: []string{"b@x.com", "a@x.com"}}}
	_, err = client.Exports.Plan(context.Background(), planRef, []*mammoth.AddExportSpec{c, d}, nil)
	require.ErrorAs(t, err, &ve)
	assert.Empty(t, srv.Requests())
}

func TestPlan_TriggerIDMatchesThatExport(t *testing.T) {
	srv, client := planServer(t)
	ctx := context.Background()
	ids := srv.SeedExports(planRef,
		mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypePipeline, TargetProperties: mammoth.RawTargetProperties{"file": "old.csv"}},
	)
	spec := &mammoth.AddExportSpec{TriggerID: mammoth.Ptr(ids[0]), HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypePipeline, TargetProperties: mammoth.S3TargetProperties{File: "new.csv"}}
	plan, err := client.Exports.Plan(ctx, planRef, []*mammoth.AddExportSpec{spec}, nil)
	require.NoError(t, err)
	require.Len(t, plan.Changes, 1)
	c := plan.Changes[0]
	assert.Equal(t, mammoth.PlanChange, c.Action)
	assert.Equal(t, ids[0], c.ExportID)
	assert.Equal(t, "trigger "+strconv.Itoa(ids[0]), c.Identity)
	require.Len(t, c.Fields, 1)
	assert.Equal(t, mammoth.FieldChange{Path: "target_properties.file", Old: "old.csv", New: "new.csv"}, c.Fields[0])

	srv.ClearRequests()
	_, err = client.Exports.Apply(ctx, planRef, plan, nil)
	require.NoError(t, err)
	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "PATCH", reqs[0].Method)
	assert.Equal(t, "/api/v2/workspaces/1/projects/2/datasets/3/dataviews/4/pipeline/exports/"+strconv.Itoa(ids[0]), reqs[0].Path)
	var body struct {
		Patches []struct {
			Op, Path string
			Value    map[string]any
		}
	}
	require.NoError(t, json.Unmarshal(reqs[0].Body, &body))
	require.Len(t, body.Patches, 1)
	assert.Equal(t, "replace", body.Patches[0].Op)
	assert.Equal(t, "params", body.Patches[0].Path)
	assert.Equal(t, map[string]any{"file": "new.csv"}, body.Patches[0].Value["target_properties"])

	unknown := *spec
	unknown.TriggerID = mammoth.Ptr(999)
	_, err = client.Exports.Plan(ctx, planRef, []*mammoth.AddExportSpec{&unknown}, nil)
	var ve *mammoth.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "desired[0].TRIGGER_ID", ve.Field)
}

func TestPlan_SecretsComparedByValueByPresenceOrNotAtAll(t *testing.T) {
	srv, client := planServer(t)
	ctx := context.Background()
	db := func(table string) map[string]any {
		return map[string]any{"host": "h", "port": 5432.0, "username": "u", "database": "d", "table": table}
	}
	echoed, masked, absent := db("echoed"), db("masked"), db("absent")
	echoed["password"] = "old-password"
	masked["password"] = "********"
	srv.SeedExports(planRef,
		mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypePostgres, TriggerType: mammoth.TriggerTypePipeline, TargetProperties: echoed},
		mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypePostgres, TriggerType: mammoth.TriggerTypePipeline, TargetProperties: masked},
		mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypePostgres, TriggerType: mammoth.TriggerTypePipeline, TargetProperties: absent},
	)
	spec := func(table string) *mammoth.AddExportSpec {
		return &mammoth.AddExportSpec{HandlerType: mammoth.HandlerTypePostgres, TriggerType: mammoth.TriggerTypePipeline,
			TargetProperties: mammoth.DatabaseTargetProperties{Handler: mammoth.HandlerTypePostgres, Host: "h", Username: "u", Password: "new-password", Database: "d", Table: table}}
	}
	plan, err := client.Exports.Plan(ctx, planRef, []*mammoth.AddExportSpec{spec("echoed"), spec("masked"), spec("absent")}, nil)
	require.NoError(t, err)
	require.Len(t, plan.Changes, 3)
	byTable := map[string]mammoth.PlannedChange{}
	for _, c := range plan.Changes {
		byTable[c.Current.TargetProperties["table"].(string)] = c
	}
	e := byTable["echoed"]
	assert.Equal(t, mammoth.PlanChange, e.Action)
	assert.Equal(t, []mammoth.FieldChange{{Path: "target_properties.password", Old: "[REDACTED]", New: "[REDACTED]", Secret: true}}, e.Fields)
	assert.Equal(t, []mammoth.SecretComparison{{Path: "target_properties.password", Method: mammoth.SecretByValue}}, e.Secrets)
	assert.Equal(t, mammoth.PlanUnchanged, byTable["masked"].Action)
	assert.Equal(t, []mammoth.SecretComparison{{Path: "target_properties.password", Method: mammoth.SecretByPresence}}, byTable["masked"].Secrets)
	assert.Equal(t, mammoth.PlanUnchanged, byTable["absent"].Action)
	assert.Equal(t, []mammoth.SecretComparison{{Path: "target_properties.password", Method: mammoth.SecretNotEchoed}}, byTable["absent"].Secrets)
	for _, c := range plan.Changes {
		assert.NotContains(t, fmt.Sprintf("%+v", c.Fields), "new-password")
		assert.NotContains(t, fmt.Sprintf("%+v", c.Fields), "old-password")
	}
}

func TestPlan_NeverPrunesTheTemporaryExportOfADownload(t *testing.T) {
	srv, client := planServer(t)
	srv.SeedExports(planRef,
		mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone, TargetProperties: mammoth.RawTargetProperties{"file": "temp_export_3_4_0a1b2c3d.csv"}},
		mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone, TargetProperties: mammoth.RawTargetProperties{"file": "kept.csv"}},
	)
	plan, err := client.Exports.Plan(context.Background(), planRef, nil, &mammoth.PlanOptions{Prune: true})
	require.NoError(t, err)
	require.Len(t, plan.Changes, 1)
	assert.Equal(t, mammoth.PlanDelete, plan.Changes[0].Action)
	assert.Equal(t, "s3 file=kept.csv", plan.Changes[0].Identity)
}

func TestPlan_WithoutPruneOtherExportsAreListedAndKept(t *testing.T) {
	srv, client := planServer(t)
	ids := srv.SeedExports(planRef,
		mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone, TargetProperties: mammoth.RawTargetProperties{"file": "a.csv"}},
		mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone, TargetProperties: mammoth.RawTargetProperties{"file": "a.csv"}},
	)
	desired := []*mammoth.AddExportSpec{{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone, TargetProperties: mammoth.S3TargetProperties{File: "a.csv"}}}
	plan, err := client.Exports.Plan(context.Background(), planRef, desired, nil)
	require.NoError(t, err)
	require.Len(t, plan.Changes, 2)
	assert.Equal(t, mammoth.PlanUnchanged, plan.Changes[0].Action)
	assert.Equal(t, ids[0], plan.Changes[0].ExportID, "the lowest id of a shared destination is the match")
	assert.Equal(t, mammoth.PlanUnmanaged, plan.Changes[1].Action)
	assert.Equal(t, ids[1], plan.Changes[1].ExportID)
	assert.False(t, plan.HasChanges())
}

func TestPlan_RefusesBadInputWithoutSending(t *testing.T) {
	srv, client := planServer(t)
	ctx := context.Background()
	for name, desired := range map[string][]*mammoth.AddExportSpec{
		"nil spec":        {nil},
		"no handler":      {{TriggerType: mammoth.TriggerTypeNone}},
		"invalid target":  {{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone, TargetProperties: mammoth.S3TargetProperties{}}},
		"bad trigger id":  {{TriggerID: mammoth.Ptr(0), HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone}},
		"other dataview":  {{DataviewID: 99, HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone}},
		"sequence at end": {{Sequence: mammoth.Ptr(1), HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone}},
	} {
		_, err := client.Exports.Plan(ctx, planRef, desired, nil)
		var ve *mammoth.ValidationError
		assert.ErrorAs(t, err, &ve, name)
	}
	_, err := client.Exports.Apply(ctx, planRef, nil, nil)
	assert.Error(t, err)
	_, err = client.Exports.Apply(ctx, mammoth.DataviewRef{WorkspaceID: 1, ProjectID: 2, DatasetID: 3, DataviewID: 5}, &mammoth.ExportsPlan{Ref: planRef}, nil)
	assert.Error(t, err)
	assert.Empty(t, srv.Requests())
}

func TestApply_DraftWhoseFifthChangeFailsLeavesThePipelineAsItWas(t *testing.T) {
	srv, client := planServer(t)
	ctx := context.Background()
	srv.SeedExports(planRef,
		mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone, TargetProperties: mammoth.RawTargetProperties{"file": "changed.csv"}},
		mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone, TargetProperties: mammoth.RawTargetProperties{"file": "pruned.csv"}},
	)
	before := srv.Exports(planRef)
	desired := []*mammoth.AddExportSpec{{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypePipeline, TargetProperties: mammoth.S3TargetProperties{File: "changed.csv"}}}
	for i := range 6 {
		spec := &mammoth.AddExportSpec{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone, TargetProperties: mammoth.S3TargetProperties{File: fmt.Sprintf("new-%d.csv", i)}}
		if i == 3 {
			spec.TriggerType = "sometimes" // the API refuses it: the 5th change
		}
		desired = append(desired, spec)
	}
	plan, err := client.Exports.Plan(ctx, planRef, desired, &mammoth.PlanOptions{Prune: true})
	require.NoError(t, err)
	require.Equal(t, 8, plan.Count(mammoth.PlanChange)+plan.Count(mammoth.PlanAdd)+plan.Count(mammoth.PlanDelete))

	var made []mammoth.AppliedChange
	res, err := client.Exports.Apply(ctx, planRef, plan, &mammoth.ApplyOptions{Draft: true, OnChange: func(c mammoth.AppliedChange) { made = append(made, c) }})
	var apiErr *mammoth.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
	require.Len(t, made, 5, "the apply stops at the 5th change")
	assert.Error(t, made[4].Err)
	assert.Len(t, res.Applied, 5)
	assert.Zero(t, res.Replans, "nothing is replanned inside a draft")

	assert.Equal(t, before, srv.Exports(planRef), "the pipeline is as it was")
	assert.Equal(t, mammoth.DraftModeOff, srv.Pipeline(planRef).DraftMode)
	var draftOps []string
	for _, r := range srv.Requests() {
		if strings.HasSuffix(r.Path, "/draft-mode") {
			var body struct {
				Op string `json:"draft_operation"`
			}
			require.NoError(t, json.Unmarshal(r.Body, &body))
			draftOps = append(draftOps, body.Op)
		}
	}
	assert.Equal(t, []string{"enter", "discard", "exit"}, draftOps)

	// Without the refused export the same plan goes through in one draft.
	desired[4] = &mammoth.AddExportSpec{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone, TargetProperties: mammoth.S3TargetProperties{File: "new-3.csv"}}
	plan, err = client.Exports.Plan(ctx, planRef, desired, &mammoth.PlanOptions{Prune: true})
	require.NoError(t, err)
	_, err = client.Exports.Apply(ctx, planRef, plan, &mammoth.ApplyOptions{Draft: true})
	require.NoError(t, err)
	after, err := client.Exports.Plan(ctx, planRef, desired, &mammoth.PlanOptions{Prune: true})
	require.NoError(t, err)
	assert.False(t, after.HasChanges(), "%+v", after.Changes)
	assert.Len(t, srv.Exports(planRef), 7)
}

func TestApply_WaitsForEachJobAndThenForThePipeline(t *testing.T) {
	srv, client := planServer(t, mammothtest.WithJobPolls(2))
	ctx := context.Background()
	desired := []*mammoth.AddExportSpec{
		{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypePipeline, TargetProperties: mammoth.S3TargetProperties{File: "a.csv"}},
		{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypePipeline, TargetProperties: mammoth.S3TargetProperties{File: "b.csv"}, RunImmediately: true},
	}
	plan, err := client.Exports.Plan(ctx, planRef, desired, nil)
	require.NoError(t, err)
	srv.ClearRequests()
	res, err := client.Exports.Apply(ctx, planRef, plan, &mammoth.ApplyOptions{Wait: &mammoth.WaitOptions{}})
	require.NoError(t, err)
	require.Len(t, res.Applied, 2)
	for _, c := range res.Applied {
		require.NotNil(t, c.Job)
		assert.Equal(t, mammoth.JobStatusSuccess, c.Job.Status)
	}
	var routes []string
	for _, r := range srv.Requests() {
		if len(routes) == 0 || routes[len(routes)-1] != string(r.Route) {
			routes = append(routes, string(r.Route))
		}
	}
	// Each add is followed by its job's polls, and the pipeline is read last.
	assert.Equal(t, []string{"AddExport", "GetJob", "AddExport", "GetJob"}, routes[:4])
	last := srv.Requests()[len(srv.Requests())-1]
	assert.True(t, strings.HasSuffix(last.Path, "/pipeline"), last.Path)
}

func TestPlan_ConditionsFromDisplayNamesMatchTheStoredInternalOnes(t *testing.T) {
	srv, client := planServer(t)
	ctx := context.Background()
	srv.SetColumns(planRef, []mammoth.Column{
		{DisplayName: "Region", InternalName: "column_1", Type: mammoth.ColumnTypeText},
		{DisplayName: "Sales", InternalName: "column_2", Type: mammoth.ColumnTypeNumeric},
	})
	srv.SeedExports(planRef,
		mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone, TargetProperties: mammoth.RawTargetProperties{"file": "same.csv"},
			Condition: map[string]any{"column_2": map[string]any{"GTE": map[string]any{"VALUE": 1000}}}},
		mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone, TargetProperties: mammoth.RawTargetProperties{"file": "other.csv"},
			Condition: map[string]any{"column_2": map[string]any{"GTE": map[string]any{"VALUE": 10}}}},
	)
	cond, err := mammoth.ParseCondition("Sales >= 1000")
	require.NoError(t, err)
	region, err := mammoth.ParseCondition("Region = 'West'")
	require.NoError(t, err)
	desired := []*mammoth.AddExportSpec{
		{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone, TargetProperties: mammoth.S3TargetProperties{File: "same.csv"}, Condition: cond},
		{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone, TargetProperties: mammoth.S3TargetProperties{File: "other.csv"}, Condition: region},
	}
	plan, err := client.Exports.Plan(ctx, planRef, desired, nil)
	require.NoError(t, err)
	require.Len(t, plan.Changes, 2)
	assert.Equal(t, mammoth.PlanChange, plan.Changes[0].Action)
	assert.Equal(t, []mammoth.FieldChange{{Path: "condition", Old: "Sales >= 10", New: "Region in ('West')"}}, plan.Changes[0].Fields)
	assert.Equal(t, mammoth.PlanUnchanged, plan.Changes[1].Action)
	assert.Equal(t, "Sales >= 1000", cond.String(), "Plan does not change its argument")

	_, err = client.Exports.Apply(ctx, planRef, plan, nil)
	require.NoError(t, err)
	got, _ := srv.Export(planRef, plan.Changes[0].ExportID)
	assert.Equal(t, map[string]any{"column_1": map[string]any{"IN_LIST": map[string]any{"VALUE": []any{"West"}}}}, got.Condition)

	unknown, err := mammoth.ParseCondition("Profit > 1")
	require.NoError(t, err)
	_, err = client.Exports.Plan(ctx, planRef, []*mammoth.AddExportSpec{{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone, TargetProperties: mammoth.S3TargetProperties{File: "x.csv"}, Condition: unknown}}, nil)
	var ve *mammoth.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Contains(t, err.Error(), "desired[0].condition")
}
