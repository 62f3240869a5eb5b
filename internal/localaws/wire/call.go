// Package wire holds what every localaws service shares about the AWS wire protocols: the per-request
// Call, the typed Error, the protocol-specific success and error encodings (restJson1, awsJson 1.0/1.1,
// awsQuery, ec2Query, restXml), operation routing and pagination tokens.
package wire

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Handler serves one operation. It writes the success response through the Call and returns nil, or returns
// an error: an *Error is rendered in the call's protocol, anything else becomes an internal failure.
type Handler func(c *Call) error

// Call is one AWS request as a service sees it.
type Call struct {
	// W is the response writer. Handlers write through the Call's helpers rather than W directly.
	W http.ResponseWriter
	// R is the HTTP request. Its body has already been read into Body.
	R *http.Request
	// Body is the raw request body.
	Body []byte
	// Service is the SigV4 signing name the request was routed by (for example "sqs").
	Service string
	// Operation is the AWS operation name (for example "CreateQueue"), set by the service's resolver.
	Operation string
	// Region is the region from the request's credential scope, or the server default.
	Region string
	// AccountID is the account every resource belongs to.
	AccountID string
	// RequestID identifies the request in responses and logs.
	RequestID string
	// Proto encodes this call's responses and errors. Services that speak two protocols (SQS) set it per call.
	Proto Protocol
	// Params holds the unescaped path labels matched by a REST route.
	Params map[string]string
	// Form holds awsQuery/ec2Query parameters (body form merged with the URL query).
	Form url.Values
	// Now is when the request arrived.
	Now time.Time
}

// Param returns a path label matched by the REST route.
func (c *Call) Param(name string) string { return c.Params[name] }

// Query returns the first value of a URL query parameter.
func (c *Call) Query(name string) string { return c.R.URL.Query().Get(name) }

// QueryInt parses an integer URL query parameter; ok is false when it is absent.
func (c *Call) QueryInt(name string) (n int, ok bool, err *Error) {
	v := c.R.URL.Query().Get(name)
	if v == "" {
		return 0, false, nil
	}
	n, convErr := strconv.Atoi(v)
	if convErr != nil {
		return 0, true, ValidationError("SerializationException", "%s must be an integer, got %q", name, v)
	}
	return n, true, nil
}

// DecodeJSON unmarshals the request body into v. An empty body leaves v untouched.
func (c *Call) DecodeJSON(v any) error {
	if len(strings.TrimSpace(string(c.Body))) == 0 {
		return nil
	}
	if err := json.Unmarshal(c.Body, v); err != nil {
		return &Error{Status: http.StatusBadRequest, Code: "SerializationException",
			Message: "the request body is not valid JSON for " + c.Operation + ": " + err.Error()}
	}
	return nil
}

// JSON writes a JSON success response with the call's protocol content type.
func (c *Call) JSON(status int, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	c.W.Header().Set("Content-Type", c.Proto.ContentType())
	c.W.WriteHeader(status)
	_, err = c.W.Write(body)
	return err
}

// Empty writes a success response with no body.
func (c *Call) Empty(status int) error {
	c.W.WriteHeader(status)
	return nil
}

// Raw writes a success response with an arbitrary body and content type.
func (c *Call) Raw(status int, contentType string, body []byte) error {
	if contentType != "" {
		c.W.Header().Set("Content-Type", contentType)
	}
	c.W.WriteHeader(status)
	_, err := c.W.Write(body)
	return err
}

// XML writes an awsQuery or ec2Query success response for the call's operation. For awsQuery, result is
// wrapped in <OpResult> (nil writes only the response metadata); for ec2Query the fields of result are
// written directly under <OpResponse> beside <requestId>.
func (c *Call) XML(result any) error {
	x, ok := c.Proto.(xmlEnveloper)
	if !ok {
		return errors.New("wire: XML response on a protocol without an XML envelope")
	}
	body, err := x.envelope(c, result)
	if err != nil {
		return err
	}
	c.W.Header().Set("Content-Type", c.Proto.ContentType())
	c.W.WriteHeader(http.StatusOK)
	_, err = c.W.Write(body)
	return err
}

// innerXML marshals v and returns its content without the outer element.
func innerXML(v any) ([]byte, error) {
	if v == nil {
		return nil, nil
	}
	var buf bytes.Buffer
	if err := xml.NewEncoder(&buf).EncodeElement(v, xml.StartElement{Name: xml.Name{Local: "x"}}); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(bytes.TrimPrefix(buf.Bytes(), []byte("<x>")), []byte("</x>")), nil
}
