package runtime

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strconv"

	"github.com/google/uuid"
)

// maxResponsePayload is the largest synchronous response a function may return.
const maxResponsePayload = 6291556

// runtimeAPI is the Lambda Runtime API (and the extensions API's register/next) of one sandbox.
func (sb *sandbox) runtimeAPI() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", sb.next)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/response", sb.response)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/error", sb.invocationError)
	mux.HandleFunc("POST /2018-06-01/runtime/init/error", sb.initError)
	mux.HandleFunc("POST /2020-01-01/extension/register", sb.registerExtension)
	mux.HandleFunc("GET /2020-01-01/extension/event/next", sb.extensionNext)
	return mux
}

// apiStatus writes a Runtime API status document with a status code.
func apiStatus(w http.ResponseWriter, status int, errorType, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if errorType == "" {
		_, _ = w.Write([]byte(`{"status":"OK"}`))
		return
	}
	body, _ := json.Marshal(errorDoc{ErrorType: errorType, ErrorMessage: message})
	_, _ = w.Write(body)
}

// next hands the runtime the next invocation, waiting for one as long as the runtime waits.
func (sb *sandbox) next(w http.ResponseWriter, r *http.Request) {
	sb.markReady()
	select {
	case inv := <-sb.queue:
		sb.begin(inv)
		h := w.Header()
		h.Set("Lambda-Runtime-Aws-Request-Id", inv.id)
		h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(inv.deadline.UnixMilli(), 10))
		h.Set("Lambda-Runtime-Invoked-Function-Arn", sb.fn.ARN)
		h.Set("Lambda-Runtime-Trace-Id", inv.traceID)
		h.Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(inv.payload)
	case <-r.Context().Done():
	case <-sb.exited:
	}
}

// response takes a function's result. aws-lambda-go sends it chunked, with trailers that carry an error
// when producing a streamed response failed part way.
func (sb *sandbox) response(w http.ResponseWriter, r *http.Request) {
	inv, ok := sb.running(r.PathValue("id"))
	if !ok {
		apiStatus(w, http.StatusBadRequest, "InvalidRequestID", "Invalid request ID")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxResponsePayload+1))
	if err != nil {
		apiStatus(w, http.StatusBadRequest, "InvalidResponse", "reading the response: "+err.Error())
		return
	}
	if len(body) > maxResponsePayload {
		doc := newErrorDoc(inv.id, "Function.ResponseSizeTooLarge",
			"Response payload size exceeded maximum allowed payload size (%d bytes).", maxResponsePayload)
		sb.finish(inv, failed(doc))
		apiStatus(w, http.StatusRequestEntityTooLarge, "Function.ResponseSizeTooLarge", doc.ErrorMessage)
		return
	}
	if errType := r.Trailer.Get("Lambda-Runtime-Function-Error-Type"); errType != "" {
		payload, decodeErr := base64.StdEncoding.DecodeString(r.Trailer.Get("Lambda-Runtime-Function-Error-Body"))
		sb.finish(inv, errorResult(payload, errType, decodeErr == nil))
		apiStatus(w, http.StatusAccepted, "", "")
		return
	}
	sb.finish(inv, outcome{payload: body})
	apiStatus(w, http.StatusAccepted, "", "")
}

// invocationError takes a function error. aws-lambda-go puts the type in the body only; other runtimes
// also send the Lambda-Runtime-Function-Error-Type header.
func (sb *sandbox) invocationError(w http.ResponseWriter, r *http.Request) {
	inv, ok := sb.running(r.PathValue("id"))
	if !ok {
		apiStatus(w, http.StatusBadRequest, "InvalidRequestID", "Invalid request ID")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxResponsePayload))
	sb.finish(inv, errorResult(body, r.Header.Get("Lambda-Runtime-Function-Error-Type"), err == nil))
	apiStatus(w, http.StatusAccepted, "", "")
}

// initError records an init failure; the runtime exits next, and the invocation that started the sandbox
// reports this error.
func (sb *sandbox) initError(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxResponsePayload))
	res := errorResult(body, r.Header.Get("Lambda-Runtime-Function-Error-Type"), err == nil)
	sb.mu.Lock()
	sb.initFailure = &res
	sb.mu.Unlock()
	apiStatus(w, http.StatusAccepted, "", "")
}

// registerExtension accepts an internal extension (aws-lambda-go's EnableSIGTERM registers one).
func (sb *sandbox) registerExtension(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Lambda-Extension-Identifier", uuid.NewString())
	w.Header().Set("Content-Type", "application/json")
	body, _ := json.Marshal(map[string]string{"functionName": sb.fn.Name, "functionVersion": "$LATEST",
		"handler": sb.fn.Handler})
	_, _ = w.Write(body)
}

// extensionNext blocks until the sandbox goes away: localaws sends extensions no events.
func (sb *sandbox) extensionNext(_ http.ResponseWriter, r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-sb.exited:
	}
}

// errorResult makes a function error outcome from what the runtime reported: its JSON error document when
// it sent one, or a document built from the error type.
func errorResult(body []byte, headerType string, ok bool) outcome {
	var doc errorDoc
	if ok && json.Unmarshal(body, &doc) == nil && (doc.ErrorMessage != "" || doc.ErrorType != "") {
		if doc.ErrorType == "" {
			doc.ErrorType = headerType
		}
		return outcome{payload: body, functionError: "Unhandled", errorType: doc.ErrorType, errorMessage: doc.ErrorMessage}
	}
	if headerType == "" {
		headerType = "Runtime.Unknown"
	}
	msg := string(body)
	if !ok {
		msg = "the runtime's error report could not be read"
	}
	return failed(errorDoc{ErrorType: headerType, ErrorMessage: msg})
}
