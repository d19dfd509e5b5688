package mammoth

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// identityKeys are, per handler type, the target_properties keys that name
// the destination an export writes to. See [ExportsService.Plan].
var identityKeys = map[HandlerType][]string{
	HandlerTypeS3:                   {"file"},
	HandlerTypeCSVFile:              {"file"},
	HandlerTypePostgres:             {"host", "port", "database", "table"},
	HandlerTypeMySQL:                {"host", "port", "database", "table"},
	HandlerTypeMSSQL:                {"host", "port", "database", "table"},
	HandlerTypeRedshift:             {"host", "port", "database", "table"},
	HandlerTypePublishDB:            {"table"},
	HandlerTypeFTP:                  {"domain", "port", "directory", "file"},
	HandlerTypeSFTP:                 {"host", "port", "directory", "file_name"},
	HandlerTypeElasticsearch:        {"host", "port", "index"},
	HandlerTypeBigQuery:             {"database", "table"},
	HandlerTypeAzureBlob:            {"storage_account_name", "container_name", "folder_path", "file_name"},
	HandlerTypeSharePoint:           {"site_url", "document_library", "folder_path", "file_name"},
	HandlerTypeOneDrive:             {"user_id", "folder_path", "file_name"},
	HandlerTypeTableauServer:        {"server_url", "site_name", "project_name", "datasource_name"},
	HandlerTypePowerBI:              {"dataset", "table"},
	HandlerTypeGenericRESTAPIExport: {"http_method", "base_url", "endpoint_path"},
}

// exportIdentity names the destination of an export of handler type h with
// the target properties tp (as JSON decodes them), so that a desired spec
// and an existing export writing to the same place get the same text.
func exportIdentity(h HandlerType, tp map[string]any) string {
	var b strings.Builder
	b.WriteString(string(h))
	switch h {
	case HandlerTypeEmail:
		b.WriteString(" emails=")
		b.WriteString(recipients(tp["emails"]))
		return b.String()
	case HandlerTypeInternalDataset:
		if id := identityText(tp["TARGET_DS_ID"]); id != "" {
			b.WriteString(" TARGET_DS_ID=" + id)
		} else {
			b.WriteString(" DS_NAME=" + identityText(tp["DS_NAME"]))
		}
		return b.String()
	}
	keys, known := identityKeys[h]
	if !known {
		for k := range tp {
			if !isSecretKey(k) {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
	}
	for _, k := range keys {
		v := identityText(tp[k])
		if k == "port" && v == "" {
			if p := DefaultPort(h); p > 0 {
				v = strconv.Itoa(p)
			}
		}
		if k == "http_method" && v == "" {
			v = "POST"
		}
		b.WriteString(" " + k + "=" + v)
	}
	return b.String()
}

// identityText writes a property value for an identity: strings as they
// are (quoted when they hold a space or are empty inside a longer text),
// numbers without a fraction when they have none, anything else as JSON.
func identityText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		if strings.ContainsAny(v, " \t\"") {
			return strconv.Quote(v)
		}
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case json.Number:
		return v.String()
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// recipients writes a list of e-mail addresses as a sorted set, in lower
// case: the order and case of addresses do not change who gets the mail.
func recipients(v any) string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, e := range list {
		if s, ok := e.(string); ok {
			out = append(out, strings.ToLower(strings.TrimSpace(s)))
		}
	}
	slices.Sort(out)
	return strings.Join(slices.Compact(out), ",")
}

// isTemporaryExport reports whether e is the temporary export of a
// download ([ExportsService.DownloadCSV]), which a plan never touches.
func isTemporaryExport(e *ItemExportInfo) bool {
	if e.HandlerType != HandlerTypeS3 {
		return false
	}
	file, _ := e.TargetProperties["file"].(string)
	return strings.HasPrefix(file, tempExportPrefix) && strings.HasSuffix(file, ".csv")
}

// mapValue returns v as an object, or nil.
func mapValue(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// tempExportPrefix starts the file name of every temporary download export.
const tempExportPrefix = "temp_export_"
