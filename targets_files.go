package mammoth

import (
	"cmp"
	"fmt"
	"log/slog"
	"strconv"
)

// ExportFileType is the format of a file an export writes.
type ExportFileType string

// File types known to this version of the SDK.
const (
	ExportFileTypeCSV     ExportFileType = "csv"
	ExportFileTypeJSON    ExportFileType = "json"
	ExportFileTypeParquet ExportFileType = "parquet"
)

// S3TargetProperties configures an export to a file in Mammoth-managed S3
// storage (handler type "s3"), which is also how a dataview is downloaded.
type S3TargetProperties struct {
	// File is the file name to write. Required.
	File string `json:"file"`
	// FileType is the file format; the API's default is csv.
	FileType ExportFileType `json:"file_type,omitempty"`
	// IncludeHidden also exports the dataview's hidden columns.
	IncludeHidden *bool `json:"include_hidden,omitempty"`
	// IsFormatSet says the column formats below apply.
	IsFormatSet *bool `json:"is_format_set,omitempty"`
	// UseFormat writes values as the dataview formats them, not raw.
	UseFormat *bool `json:"use_format,omitempty"`
}

// HandlerType returns [HandlerTypeS3].
func (S3TargetProperties) HandlerType() HandlerType { return HandlerTypeS3 }

// Validate reports an empty File.
func (p S3TargetProperties) Validate() error {
	if p.File == "" {
		return &ValidationError{Field: "target_properties.file", Reason: "must not be empty"}
	}
	return nil
}

// FTPTargetProperties configures an export to a file on an FTP server
// (handler type "ftp"). Note the API's keys: domain, not host; directory,
// not path.
type FTPTargetProperties struct {
	// Domain is the server's host name or address. Required.
	Domain string `json:"domain"`
	// Port is the server's port; 0 sends 21.
	Port int `json:"port,omitempty"`
	// Username and Password log in to the server. Required.
	Username string `json:"username"`
	Password string `json:"password" mammoth:"secret"`
	// Directory is the folder the file is written to. Required.
	Directory string `json:"directory"`
	// File is the name of the file to write. Required.
	File string `json:"file"`
}

// HandlerType returns [HandlerTypeFTP].
func (FTPTargetProperties) HandlerType() HandlerType { return HandlerTypeFTP }

// Validate reports a missing key or a port out of range.
func (p FTPTargetProperties) Validate() error {
	return firstError(
		requireKeys("domain", p.Domain, "username", p.Username, "password", p.Password, "directory", p.Directory, "file", p.File),
		checkPort(p.Port),
	)
}

// MarshalJSON implements [json.Marshaler], writing the JSON form the API
// receives (the default port filled in) with its secrets redacted;
// [WireJSON] writes them in the clear.
func (p FTPTargetProperties) MarshalJSON() ([]byte, error) { return redactedJSON(p) }

func (p FTPTargetProperties) wireValue(depth int) any {
	type plain FTPTargetProperties
	w := plain(p)
	w.Port = cmp.Or(w.Port, defaultPorts[HandlerTypeFTP])
	return w
}

// Format implements [fmt.Formatter], printing p with its password
// redacted.
func (p FTPTargetProperties) Format(f fmt.State, verb rune) { formatRedacted(f, verb, p) }

// LogValue implements [slog.LogValuer], logging the redacted JSON form.
func (p FTPTargetProperties) LogValue() slog.Value { return redactedLogValue(p) }

// SFTPTargetProperties configures an export to a file on an SFTP server
// (handler type "sftp"). The server is logged in to with Password, or, when
// SSHKeyAuthentication is set, with PrivateKey and its Passphrase; the
// credentials of the other method must be left empty.
type SFTPTargetProperties struct {
	// Host is the server's host name or address. Required.
	Host string `json:"host"`
	// Port is the server's port; 0 sends 22.
	Port int `json:"port,omitempty"`
	// Username is the account to log in as. Required.
	Username string `json:"username"`
	// Password logs in when SSHKeyAuthentication is false; required then.
	Password string `json:"password,omitempty" mammoth:"secret"`
	// SSHKeyAuthentication logs in with PrivateKey instead of Password.
	SSHKeyAuthentication bool `json:"ssh_key_authentication,omitempty"`
	// PrivateKey is the PEM text of the key to log in with; required when
	// SSHKeyAuthentication is set.
	PrivateKey string `json:"private_key,omitempty" mammoth:"secret"`
	// Passphrase unlocks PrivateKey, if it is encrypted.
	Passphrase string `json:"passphrase,omitempty" mammoth:"secret"`
	// Directory is the folder the file is written to.
	Directory string `json:"directory,omitempty"`
	// FileName is the name of the file to write.
	FileName string `json:"file_name,omitempty"`
	// RandomizeFileName adds a random part to the file name, so that each
	// run writes a new file.
	RandomizeFileName bool `json:"randomize_file_name,omitempty"`
}

// HandlerType returns [HandlerTypeSFTP].
func (SFTPTargetProperties) HandlerType() HandlerType { return HandlerTypeSFTP }

// Validate reports a missing key, a port out of range, or credentials that do
// not match SSHKeyAuthentication.
func (p SFTPTargetProperties) Validate() error {
	return firstError(
		requireKeys("host", p.Host, "username", p.Username),
		checkPort(p.Port),
		checkCredentials("ssh_key_authentication", strconv.FormatBool(p.SSHKeyAuthentication), []credential{
			{"false", "password", p.Password, true},
			{"true", "private_key", p.PrivateKey, true},
			{"true", "passphrase", p.Passphrase, false},
		}),
	)
}

// MarshalJSON implements [json.Marshaler], writing the JSON form the API
// receives (the default port filled in) with its secrets redacted;
// [WireJSON] writes them in the clear.
func (p SFTPTargetProperties) MarshalJSON() ([]byte, error) { return redactedJSON(p) }

func (p SFTPTargetProperties) wireValue(depth int) any {
	type plain SFTPTargetProperties
	w := plain(p)
	w.Port = cmp.Or(w.Port, defaultPorts[HandlerTypeSFTP])
	return w
}

// Format implements [fmt.Formatter], printing p with its password, private
// key and passphrase redacted.
func (p SFTPTargetProperties) Format(f fmt.State, verb rune) { formatRedacted(f, verb, p) }

// LogValue implements [slog.LogValuer], logging the redacted JSON form.
func (p SFTPTargetProperties) LogValue() slog.Value { return redactedLogValue(p) }

// AzureAppCredentials are the Microsoft Entra ID (Azure AD) app registration
// an Azure Blob, SharePoint or OneDrive export signs in with. All three are
// required.
type AzureAppCredentials struct {
	// TenantID is the directory (tenant) id.
	TenantID string `json:"tenant_id"`
	// ClientID is the application (client) id.
	ClientID string `json:"client_id"`
	// ClientSecret is the application's client secret.
	ClientSecret string `json:"client_secret" mammoth:"secret"`
}

// validate reports a missing credential.
func (c AzureAppCredentials) validate() error {
	return requireKeys("tenant_id", c.TenantID, "client_id", c.ClientID, "client_secret", c.ClientSecret)
}

// Format implements [fmt.Formatter], printing c with its secret redacted.
func (c AzureAppCredentials) Format(f fmt.State, verb rune) { formatRedacted(f, verb, c) }

// LogValue implements [slog.LogValuer], logging the redacted JSON form.
func (c AzureAppCredentials) LogValue() slog.Value { return redactedLogValue(c) }

// MarshalJSON implements [json.Marshaler], writing c with its client secret
// redacted; [WireJSON] writes it in the clear.
func (c AzureAppCredentials) MarshalJSON() ([]byte, error) { return redactedJSON(c) }

func (c AzureAppCredentials) wireValue(depth int) any { return azureWire(c) }

// azureWire is AzureAppCredentials without its methods. The structs that
// embed AzureAppCredentials embed it in their wire form: embedded as is, its
// MarshalJSON would be promoted and write the credentials alone.
type azureWire AzureAppCredentials

// AzureBlobTargetProperties configures an export to a file in Azure Blob
// Storage (handler type "azure_blob").
type AzureBlobTargetProperties struct {
	// AzureAppCredentials sign in to the storage account.
	AzureAppCredentials
	// StorageAccountName is the storage account. Required.
	StorageAccountName string `json:"storage_account_name"`
	// ContainerName is the container to write into. Required.
	ContainerName string `json:"container_name"`
	// FolderPath is the folder inside the container.
	FolderPath string `json:"folder_path,omitempty"`
	// FileName is the name of the file to write.
	FileName string `json:"file_name,omitempty"`
}

// HandlerType returns [HandlerTypeAzureBlob].
func (AzureBlobTargetProperties) HandlerType() HandlerType { return HandlerTypeAzureBlob }

// Validate reports a missing key.
func (p AzureBlobTargetProperties) Validate() error {
	return firstError(
		requireKeys("storage_account_name", p.StorageAccountName),
		p.AzureAppCredentials.validate(),
		requireKeys("container_name", p.ContainerName),
	)
}

// Format implements [fmt.Formatter], printing p with its client secret
// redacted.
func (p AzureBlobTargetProperties) Format(f fmt.State, verb rune) { formatRedacted(f, verb, p) }

// LogValue implements [slog.LogValuer], logging the redacted JSON form.
func (p AzureBlobTargetProperties) LogValue() slog.Value { return redactedLogValue(p) }

// MarshalJSON implements [json.Marshaler], writing p with its client secret
// redacted; [WireJSON] writes it in the clear.
func (p AzureBlobTargetProperties) MarshalJSON() ([]byte, error) { return redactedJSON(p) }

func (p AzureBlobTargetProperties) wireValue(depth int) any {
	return struct {
		azureWire
		StorageAccountName string `json:"storage_account_name"`
		ContainerName      string `json:"container_name"`
		FolderPath         string `json:"folder_path,omitempty"`
		FileName           string `json:"file_name,omitempty"`
	}{azureWire(p.AzureAppCredentials), p.StorageAccountName, p.ContainerName, p.FolderPath, p.FileName}
}

// SharePointTargetProperties configures an export to a file in a SharePoint
// document library (handler type "sharepoint").
type SharePointTargetProperties struct {
	// AzureAppCredentials sign in to SharePoint.
	AzureAppCredentials
	// SiteURL is the SharePoint site's URL. Required.
	SiteURL string `json:"site_url"`
	// DocumentLibrary is the library to write into; empty leaves the API's
	// default, "Documents".
	DocumentLibrary string `json:"document_library,omitempty"`
	// FolderPath is the folder inside the library.
	FolderPath string `json:"folder_path,omitempty"`
	// FileName is the name of the file to write.
	FileName string `json:"file_name,omitempty"`
}

// HandlerType returns [HandlerTypeSharePoint].
func (SharePointTargetProperties) HandlerType() HandlerType { return HandlerTypeSharePoint }

// Validate reports a missing key.
func (p SharePointTargetProperties) Validate() error {
	return firstError(p.AzureAppCredentials.validate(), requireKeys("site_url", p.SiteURL))
}

// Format implements [fmt.Formatter], printing p with its client secret
// redacted.
func (p SharePointTargetProperties) Format(f fmt.State, verb rune) { formatRedacted(f, verb, p) }

// LogValue implements [slog.LogValuer], logging the redacted JSON form.
func (p SharePointTargetProperties) LogValue() slog.Value { return redactedLogValue(p) }

// MarshalJSON implements [json.Marshaler], writing p with its client secret
// redacted; [WireJSON] writes it in the clear.
func (p SharePointTargetProperties) MarshalJSON() ([]byte, error) { return redactedJSON(p) }

func (p SharePointTargetProperties) wireValue(depth int) any {
	return struct {
		azureWire
		SiteURL         string `json:"site_url"`
		DocumentLibrary string `json:"document_library,omitempty"`
		FolderPath      string `json:"folder_path,omitempty"`
		FileName        string `json:"file_name,omitempty"`
	}{azureWire(p.AzureAppCredentials), p.SiteURL, p.DocumentLibrary, p.FolderPath, p.FileName}
}

// OneDriveTargetProperties configures an export to a file in a user's
// OneDrive (handler type "onedrive").
type OneDriveTargetProperties struct {
	// AzureAppCredentials sign in to OneDrive.
	AzureAppCredentials
	// UserID is the user whose OneDrive is written to. Required.
	UserID string `json:"user_id"`
	// FolderPath is the folder inside the drive.
	FolderPath string `json:"folder_path,omitempty"`
	// FileName is the name of the file to write.
	FileName string `json:"file_name,omitempty"`
}

// HandlerType returns [HandlerTypeOneDrive].
func (OneDriveTargetProperties) HandlerType() HandlerType { return HandlerTypeOneDrive }

// Validate reports a missing key.
func (p OneDriveTargetProperties) Validate() error {
	return firstError(p.AzureAppCredentials.validate(), requireKeys("user_id", p.UserID))
}

// Format implements [fmt.Formatter], printing p with its client secret
// redacted.
func (p OneDriveTargetProperties) Format(f fmt.State, verb rune) { formatRedacted(f, verb, p) }

// LogValue implements [slog.LogValuer], logging the redacted JSON form.
func (p OneDriveTargetProperties) LogValue() slog.Value { return redactedLogValue(p) }

// MarshalJSON implements [json.Marshaler], writing p with its client secret
// redacted; [WireJSON] writes it in the clear.
func (p OneDriveTargetProperties) MarshalJSON() ([]byte, error) { return redactedJSON(p) }

func (p OneDriveTargetProperties) wireValue(depth int) any {
	return struct {
		azureWire
		UserID     string `json:"user_id"`
		FolderPath string `json:"folder_path,omitempty"`
		FileName   string `json:"file_name,omitempty"`
	}{azureWire(p.AzureAppCredentials), p.UserID, p.FolderPath, p.FileName}
}
