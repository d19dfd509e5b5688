package mammoth

import (
	"context"
	"net/http"
)

// OdbcType is a database kind Mammoth publishes to with its own managed
// connections.
type OdbcType string

// Database kinds known to this version of the SDK.
const (
	OdbcTypePostgres OdbcType = "postgres"
	OdbcTypeBigQuery OdbcType = "bigquery"
)

// PublishToDBRequest asks Mammoth to publish the dataview to a table in a
// Mammoth-managed database. No credentials are sent: Mammoth uses its own.
type PublishToDBRequest struct {
	// OdbcType is the database kind. Required.
	OdbcType OdbcType `json:"odbc_type"`
	// Table is the table to write. Required.
	Table string `json:"-"`
}

// PublishToDB publishes the dataview to a Mammoth-managed database table. The
// API answers 202 with the id of the job that does it (PublishJob.JobID).
func (s *ExportsService) PublishToDB(ctx context.Context, ref DataviewRef, req *PublishToDBRequest) (*PublishJob, error) {
	if err := ref.validate(); err != nil {
		return nil, err
	}
	switch {
	case req == nil:
		return nil, &ValidationError{Field: "req", Reason: "must not be nil"}
	case req.OdbcType == "":
		return nil, &ValidationError{Field: "PublishToDBRequest.OdbcType", Reason: "must be set"}
	case req.Table == "":
		return nil, &ValidationError{Field: "PublishToDBRequest.Table", Reason: "must not be empty"}
	}
	type target struct {
		Table string `json:"table"`
	}
	body := struct {
		OdbcType         OdbcType `json:"odbc_type"`
		TargetProperties target   `json:"target_properties"`
	}{req.OdbcType, target{req.Table}}
	return s.publish(ctx, &request{
		op: "PublishToDB", method: http.MethodPost, path: ref.path() + "/publish-to-db", body: body,
		workspaceID: ref.WorkspaceID,
	})
}

// UpdatePublishToDB switches the dataview's published table to the managed
// connection of another database kind (a "replace" of "credentials"; the
// API's body key here is "patch", not "patches"). It starts a publishing
// job, so like PublishToDB it is retried only when the API provably did not
// act on it.
func (s *ExportsService) UpdatePublishToDB(ctx context.Context, ref DataviewRef, odbcType OdbcType) (*PublishJob, error) {
	if err := ref.validate(); err != nil {
		return nil, err
	}
	if odbcType == "" {
		return nil, &ValidationError{Field: "odbcType", Reason: "must be set"}
	}
	type op struct {
		Op    string              `json:"op"`
		Path  string              `json:"path"`
		Value map[string]OdbcType `json:"value"`
	}
	body := struct {
		Patch []op `json:"patch"`
	}{[]op{{Op: "replace", Path: "credentials", Value: map[string]OdbcType{"odbc_type": odbcType}}}}
	return s.publish(ctx, &request{
		op: "UpdatePublishToDB", method: http.MethodPatch, path: ref.path() + "/publish-to-db", body: body,
		workspaceID: ref.WorkspaceID,
	})
}

func (s *ExportsService) publish(ctx context.Context, r *request) (*PublishJob, error) {
	job := new(PublishJob)
	if _, err := s.client.do(ctx, r, job); err != nil {
		return nil, err
	}
	return job, nil
}
