package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// The baseline: what a careful developer writes by hand with net/http and
// encoding/json to call the same endpoints. Its structs have the fields of
// the SDK's models with plain types: pointers where the SDK has pointers,
// map[string]any where it has maps, strings for enums, and *time.Time
// (through handTime) for timestamps, read with time.Parse.

type handPage struct {
	Limit   *int          `json:"limit"`
	Offset  *int          `json:"offset"`
	Next    string        `json:"next"`
	Exports []*handExport `json:"exports"`
}

type handExport struct {
	ID                   *int           `json:"id"`
	DataviewID           *int           `json:"dataview_id"`
	Sequence             *int           `json:"sequence"`
	SubSequence          *int           `json:"sub_sequence"`
	HandlerType          string         `json:"handler_type"`
	TriggerType          string         `json:"trigger_type"`
	EndOfPipeline        *bool          `json:"end_of_pipeline"`
	Status               string         `json:"status"`
	TargetProperties     map[string]any `json:"target_properties"`
	Runnable             *bool          `json:"runnable"`
	Reordered            *bool          `json:"reordered"`
	DataPassThrough      *bool          `json:"data_pass_through"`
	AdditionalProperties map[string]any `json:"additional_properties"`
	Condition            map[string]any `json:"condition"`
	LastModifiedTime     *handTime      `json:"last_modified_time"`
	ExecutionStartTime   *handTime      `json:"execution_start_time"`
	ExecutionEndTime     *handTime      `json:"execution_end_time"`
	LastRunResult        map[string]any `json:"last_run_result"`
	ErrorInfo            map[string]any `json:"error_info"`
}

// handTime is a time.Time read from the API's zone-less form with
// time.Parse, as a hand-written client has to: encoding/json's own
// time.Time insists on RFC 3339 with a zone.
type handTime struct{ time.Time }

func (t *handTime) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return fmt.Errorf("bad time %s", b)
	}
	tm, err := time.Parse("2006-01-02T15:04:05.999999999", string(b[1:len(b)-1]))
	if err != nil {
		return err
	}
	t.Time = tm
	return nil
}

type handJob struct {
	ID            int             `json:"id"`
	Status        string          `json:"status"`
	Response      json.RawMessage `json:"response"`
	LastUpdatedAt *handTime       `json:"last_updated_at"`
	CreatedAt     *handTime       `json:"created_at"`
	Path          string          `json:"path"`
	Operation     string          `json:"operation"`
}

type handS3Target struct {
	File          string `json:"file"`
	FileType      string `json:"file_type"`
	IncludeHidden bool   `json:"include_hidden"`
	IsFormatSet   bool   `json:"is_format_set"`
	UseFormat     bool   `json:"use_format"`
}

type handAddSpec struct {
	DataviewID           int            `json:"DATAVIEW_ID"`
	Sequence             *int           `json:"sequence"`
	TriggerID            *int           `json:"TRIGGER_ID"`
	EndOfPipeline        bool           `json:"end_of_pipeline"`
	HandlerType          string         `json:"handler_type"`
	TriggerType          string         `json:"trigger_type"`
	TargetProperties     handS3Target   `json:"target_properties"`
	AdditionalProperties map[string]any `json:"additional_properties"`
	Condition            map[string]any `json:"condition"`
	RunImmediately       bool           `json:"run_immediately"`
	ValidateOnly         bool           `json:"validate_only"`
}

// handClient calls the API by hand.
type handClient struct {
	hc   *http.Client
	base string
}

// tunedHTTPClient has the SDK default client's connection settings and
// per-request timeout.
func tunedHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 256
	t.MaxIdleConnsPerHost = 64
	t.MaxConnsPerHost = 64
	t.IdleConnTimeout = 90 * time.Second
	return &http.Client{Transport: t, Timeout: 30 * time.Second}
}

func newHandClient(base string) *handClient {
	return &handClient{hc: tunedHTTPClient(), base: base}
}

func (c *handClient) close() { c.hc.CloseIdleConnections() }

func (c *handClient) exportsURL(ws, project, dataset, dataview int) string {
	return c.base + "/workspaces/" + strconv.Itoa(ws) + "/projects/" + strconv.Itoa(project) +
		"/datasets/" + strconv.Itoa(dataset) + "/dataviews/" + strconv.Itoa(dataview) + "/pipeline/exports"
}

func (c *handClient) newRequest(ctx context.Context, method, url string, body io.Reader, ws int) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("X-API-KEY", apiKey)
	req.Header.Set("X-API-SECRET", apiSecret)
	req.Header.Set("X-WORKSPACE-ID", strconv.Itoa(ws))
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// send sends req and decodes an answer with status want into out.
func (c *handClient) send(req *http.Request, want int, out any) error {
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		return fmt.Errorf("%s %s: %d %s", req.Method, req.URL.Path, resp.StatusCode, body)
	}
	err = json.NewDecoder(resp.Body).Decode(out)
	_, _ = io.Copy(io.Discard, resp.Body) // so the connection is reused
	return err
}

func (c *handClient) listExports(ctx context.Context, dataview, limit, offset int) (*handPage, error) {
	url := c.exportsURL(workspaceID, projectID, datasetID, dataview) + "?limit=" + strconv.Itoa(limit)
	if offset > 0 {
		url += "&offset=" + strconv.Itoa(offset)
	}
	req, err := c.newRequest(ctx, http.MethodGet, url, nil, workspaceID)
	if err != nil {
		return nil, err
	}
	var page handPage
	if err := c.send(req, http.StatusOK, &page); err != nil {
		return nil, err
	}
	if page.Exports == nil {
		return nil, errors.New("no exports in answer")
	}
	return &page, nil
}

func (c *handClient) createS3Export(ctx context.Context, dataview int, file string) (*handJob, error) {
	body, err := json.Marshal(&handAddSpec{
		DataviewID:           dataview,
		EndOfPipeline:        true,
		HandlerType:          "s3",
		TriggerType:          "none",
		TargetProperties:     handS3Target{File: file, FileType: "csv", IsFormatSet: true, UseFormat: true},
		AdditionalProperties: map[string]any{},
		Condition:            map[string]any{},
		RunImmediately:       true,
	})
	if err != nil {
		return nil, err
	}
	req, err := c.newRequest(ctx, http.MethodPost, c.exportsURL(workspaceID, projectID, datasetID, dataview),
		bytes.NewReader(body), workspaceID)
	if err != nil {
		return nil, err
	}
	var answer struct {
		Job *handJob `json:"job"`
	}
	if err := c.send(req, http.StatusAccepted, &answer); err != nil {
		return nil, err
	}
	if answer.Job == nil {
		return nil, errors.New("no job in answer")
	}
	return answer.Job, nil
}
