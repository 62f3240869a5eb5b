package pipes

import (
	"net/http"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// notFound is NotFoundException (404) for a pipe that does not exist (message wording UNCONFIRMED).
func notFound(name string) *wire.Error {
	return wire.Errorf(http.StatusNotFound, "NotFoundException", "Pipe %s does not exist.", name)
}

// conflict is ConflictException (409), which names the pipe in resourceId and resourceType.
func conflict(name, format string, args ...any) *wire.Error {
	return wire.Errorf(http.StatusConflict, "ConflictException", format, args...).
		With("resourceId", name).With("resourceType", "pipe")
}

// quotaExceeded is ServiceQuotaExceededException, which Pipes returns with HTTP 402, for the pipes-per-account
// quota (which counts every Region). The quotaCode value is UNCONFIRMED.
func quotaExceeded(name string, limit int) *wire.Error {
	return wire.Errorf(http.StatusPaymentRequired, "ServiceQuotaExceededException",
		"Maximum allowed pipe count of %d exceeded.", limit).
		With("resourceId", name).With("resourceType", "pipe").
		With("serviceCode", "pipes").With("quotaCode", "L-pipes-per-account")
}

// malformed turns a request body that is not JSON into a ValidationException.
func malformed(err error) *wire.Error {
	var f fieldErrors
	f.add("body", "The request body must be a JSON object: %v", err)
	return f.err()
}
