package mammoth_test

import (
	"context"
	"net/http"
	"testing"

	mammoth "github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDiscardAndDeleteBothRemoveTheExport(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		remove func(c *mammoth.Client, id int) (*mammoth.ExportChange, error)
		method string
		body   string
	}{
		{"DeleteExport", func(c *mammoth.Client, id int) (*mammoth.ExportChange, error) {
			return c.Exports.DeleteExport(context.Background(), triggerRef, id, nil)
		}, http.MethodDelete, ""},
		{"discard command", func(c *mammoth.Client, id int) (*mammoth.ExportChange, error) {
			return c.Exports.EditExport(context.Background(), triggerRef, id,
				[]mammoth.PatchOp{{Op: mammoth.PatchOperationCommand, Path: mammoth.PatchPathDiscard}}, nil)
		}, http.MethodPatch, `{"patches":[{"op":"command","path":"discard","value":null}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := mammothtest.NewServer()
			t.Cleanup(srv.Close)
			ids := srv.SeedExports(triggerRef, mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3}, mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3})
			change, err := tt.remove(srv.Client(), ids[0])
			require.NoError(t, err)
			id, ok := change.ExportID()
			require.True(t, ok)
			assert.Equal(t, ids[0], id)
			assert.Equal(t, mammoth.ExportStatusDeleted, change.Modification.Status)
			left := srv.Exports(triggerRef)
			require.Len(t, left, 1)
			assert.Equal(t, ids[1], *left[0].ID)

			reqs := srv.Requests()
			require.Len(t, reqs, 1)
			assert.Equal(t, tt.method, reqs[0].Method)
			assert.Equal(t, tt.body, string(reqs[0].Body))
		})
	}
}
