package s3

import (
	"net/http"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

func errNoSuchBucket() *wire.Error {
	return wire.Errorf(http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist")
}

func errNoSuchKey() *wire.Error {
	return wire.Errorf(http.StatusNotFound, "NoSuchKey", "The specified key does not exist.")
}

func errInvalidArgument(format string, args ...any) *wire.Error {
	return wire.ValidationError("InvalidArgument", format, args...)
}
