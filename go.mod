module github.com/mammoth-io/mammoth-go

go 1.24

require (
	github.com/google/go-querystring v1.2.0 // indirect
	github.com/stretchr/testify v1.11.1 // indirect
)
