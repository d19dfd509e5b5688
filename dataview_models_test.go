package mammoth_test

import (
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/internal/schematest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// jsonKeys lists the JSON keys of a struct's fields.
func jsonKeys(v any) []string {
	t := reflect.TypeOf(v)
	var keys []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		keys = append(keys, name)
	}
	sort.Strings(keys)
	return keys
}

func TestDiscoveryModels_HaveEveryKeyOfTheAPIsSchemas(t *testing.T) {
	t.Parallel()
	facts, err := schematest.Load(filepath.Join("testdata", "schema", "pipeline.json"))
	require.NoError(t, err)
	for schema, model := range map[string]any{
		"DataviewInfo":               mammoth.Dataview{},
		"WorkspaceSchema":            mammoth.Workspace{},
		"ProjectSchema":              mammoth.Project{},
		"DsInfo":                     mammoth.Dataset{},
		"DisplayPropertiesResponse":  mammoth.DisplayProperties{},
		"api_ds_schema_ColumnSchema": mammoth.DatasetColumn{},
		"Stats":                      mammoth.DatasetStats{},
	} {
		props := facts.Schemas[schema].(map[string]any)["properties"].(map[string]any)
		var want []string
		for k := range props {
			want = append(want, k)
		}
		slices.Sort(want)
		assert.Equal(t, want, jsonKeys(model), schema)
	}
}
