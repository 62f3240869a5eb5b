package msk

import (
	"net/http"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// badRequest is MSK's BadRequestException (400); param names the offending member in invalidParameter.
func badRequest(param, format string, args ...any) *wire.Error {
	e := wire.Errorf(http.StatusBadRequest, "BadRequestException", format, args...)
	if param != "" {
		e = e.With("invalidParameter", param)
	}
	return e
}

// notFound is MSK's NotFoundException (404) for a cluster ARN that names no cluster in this region.
func notFound(param, arn string) *wire.Error {
	return wire.Errorf(http.StatusNotFound, "NotFoundException",
		"The cluster %s could not be found.", arn).With("invalidParameter", param)
}

// conflict is MSK's ConflictException (409).
func conflict(param, format string, args ...any) *wire.Error {
	return wire.Errorf(http.StatusConflict, "ConflictException", format, args...).With("invalidParameter", param)
}
