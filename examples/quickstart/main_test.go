package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQuickstart_RunsTheWholeFlowOnTheFakeWithoutCredentials(t *testing.T) {
	t.Setenv("MAMMOTH_API_KEY", "")
	t.Setenv("MAMMOTH_API_SECRET", "")
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"-workspace", "3", "-dataview", "9"}, &out))
	for _, want := range []string{
		"running against an in-process fake API",
		"Created an S3 export; job",
		": success",
		"s3       none     executed  quickstart.csv",
		"Suspended export 101: status suspended",
		"Restored export 101: status executed",
		"Ran export 101: status executed",
		"Downloaded 47 bytes of CSV:\nid,name,amount\n",
		"Deleted export 101.",
	} {
		assert.Contains(t, out.String(), want)
	}
}

func TestQuickstart_BadFlag(t *testing.T) {
	var out bytes.Buffer
	assert.Error(t, run(context.Background(), []string{"-nope"}, &out))
}
