package wire

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
)

// Protocol renders responses the way one AWS wire protocol does.
type Protocol interface {
	// ContentType is the Content-Type of success responses with a body.
	ContentType() string
	// WriteError writes e as this protocol's error response.
	WriteError(c *Call, e *Error)
	// RequestIDHeader is the response header that carries the request id ("" when it is only in the body).
	RequestIDHeader() string
}

type xmlEnveloper interface {
	envelope(c *Call, result any) ([]byte, error)
}

func writeErrorHeaders(c *Call, e *Error) {
	for k, v := range e.Header {
		c.W.Header().Set(k, v)
	}
}

// RestJSON is the restJson1 protocol (MSK, Pipes, Lambda): the error shape name travels in X-Amzn-ErrorType
// and the body is {"message": ..., <Fields>}.
type RestJSON struct{}

// ContentType implements Protocol.
func (RestJSON) ContentType() string { return "application/json" }

// RequestIDHeader implements Protocol.
func (RestJSON) RequestIDHeader() string { return "X-Amzn-Requestid" }

// WriteError implements Protocol.
func (RestJSON) WriteError(c *Call, e *Error) {
	body := map[string]any{"message": e.Message}
	for k, v := range e.Fields {
		body[k] = v
	}
	writeErrorHeaders(c, e)
	c.W.Header().Set("X-Amzn-Errortype", e.Code)
	writeJSONError(c, "application/json", e.Status, body)
}

// AWSJSON is the awsJson protocol (SQS 1.0, CloudWatch Logs 1.1). TypePrefix qualifies __type
// ("com.amazonaws.sqs#"); QueryCompatible adds the x-amzn-query-error header that query-compatible clients
// (SQS) read for the legacy error code.
type AWSJSON struct {
	// Version is "1.0" or "1.1".
	Version string
	// TypePrefix is prepended to the error code in __type.
	TypePrefix string
	// QueryCompatible makes errors carry x-amzn-query-error.
	QueryCompatible bool
}

// ContentType implements Protocol.
func (p AWSJSON) ContentType() string { return "application/x-amz-json-" + p.Version }

// RequestIDHeader implements Protocol.
func (AWSJSON) RequestIDHeader() string { return "X-Amzn-Requestid" }

// WriteError implements Protocol.
func (p AWSJSON) WriteError(c *Call, e *Error) {
	body := map[string]any{"__type": p.TypePrefix + e.Code, "message": e.Message}
	for k, v := range e.Fields {
		body[k] = v
	}
	writeErrorHeaders(c, e)
	if p.QueryCompatible {
		c.W.Header().Set("X-Amzn-Query-Error", e.queryCode()+";"+e.faultType())
	}
	writeJSONError(c, p.ContentType(), e.Status, body)
}

func writeJSONError(c *Call, contentType string, status int, body map[string]any) {
	b, _ := json.Marshal(body)
	c.W.Header().Set("Content-Type", contentType)
	c.W.WriteHeader(status)
	_, _ = c.W.Write(b)
}

// Query is the awsQuery protocol (IAM, STS, and SQS for older CLIs). XMLNS is the response namespace.
type Query struct {
	// XMLNS is the xmlns of every response element, for example "https://iam.amazonaws.com/doc/2010-05-08/".
	XMLNS string
}

// ContentType implements Protocol.
func (Query) ContentType() string { return "text/xml" }

// RequestIDHeader implements Protocol.
func (Query) RequestIDHeader() string { return "X-Amzn-Requestid" }

type queryErrorResponse struct {
	XMLName xml.Name `xml:"ErrorResponse"`
	XMLNS   string   `xml:"xmlns,attr,omitempty"`
	Error   struct {
		Type    string `xml:"Type"`
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	} `xml:"Error"`
	RequestID string `xml:"RequestId"`
}

// WriteError implements Protocol.
func (p Query) WriteError(c *Call, e *Error) {
	var r queryErrorResponse
	r.XMLNS = p.XMLNS
	r.Error.Type, r.Error.Code, r.Error.Message = e.faultType(), e.queryCode(), e.Message
	r.RequestID = c.RequestID
	writeErrorHeaders(c, e)
	writeXML(c, "text/xml", e.Status, r)
}

func (p Query) envelope(c *Call, result any) ([]byte, error) {
	inner, err := innerXML(result)
	if err != nil {
		return nil, err
	}
	op := c.Operation
	out := []byte(xml.Header + `<` + op + `Response xmlns="` + p.XMLNS + `">`)
	if result != nil {
		out = append(out, "<"+op+"Result>"...)
		out = append(out, inner...)
		out = append(out, "</"+op+"Result>"...)
	}
	out = append(out, "<ResponseMetadata><RequestId>"+c.RequestID+"</RequestId></ResponseMetadata></"+op+"Response>"...)
	return out, nil
}

// EC2Query is the ec2Query protocol.
type EC2Query struct{}

// EC2XMLNS is the namespace of every EC2 response.
const EC2XMLNS = "http://ec2.amazonaws.com/doc/2016-11-15/"

// ContentType implements Protocol.
func (EC2Query) ContentType() string { return "text/xml;charset=UTF-8" }

// RequestIDHeader implements Protocol.
func (EC2Query) RequestIDHeader() string { return "" }

type ec2ErrorResponse struct {
	XMLName xml.Name `xml:"Response"`
	Errors  struct {
		Error struct {
			Code    string `xml:"Code"`
			Message string `xml:"Message"`
		} `xml:"Error"`
	} `xml:"Errors"`
	RequestID string `xml:"RequestID"`
}

// WriteError implements Protocol.
func (EC2Query) WriteError(c *Call, e *Error) {
	var r ec2ErrorResponse
	r.Errors.Error.Code, r.Errors.Error.Message = e.queryCode(), e.Message
	r.RequestID = c.RequestID
	writeErrorHeaders(c, e)
	writeXML(c, "text/xml;charset=UTF-8", e.Status, r)
}

func (EC2Query) envelope(c *Call, result any) ([]byte, error) {
	inner, err := innerXML(result)
	if err != nil {
		return nil, err
	}
	op := c.Operation
	out := []byte(xml.Header + `<` + op + `Response xmlns="` + EC2XMLNS + `"><requestId>` + c.RequestID + `</requestId>`)
	out = append(out, inner...)
	out = append(out, "</"+op+"Response>"...)
	return out, nil
}

// RestXML is S3's protocol: errors are <Error><Code/><Message/><RequestId/></Error>.
type RestXML struct{}

// ContentType implements Protocol.
func (RestXML) ContentType() string { return "application/xml" }

// RequestIDHeader implements Protocol.
func (RestXML) RequestIDHeader() string { return "X-Amz-Request-Id" }

type restXMLError struct {
	XMLName   xml.Name `xml:"Error"`
	Code      string   `xml:"Code"`
	Message   string   `xml:"Message"`
	Resource  string   `xml:"Resource,omitempty"`
	RequestID string   `xml:"RequestId"`
}

// WriteError implements Protocol.
func (RestXML) WriteError(c *Call, e *Error) {
	writeErrorHeaders(c, e)
	if c.R.Method == http.MethodHead {
		// HEAD responses carry no body; clients map the status alone.
		c.W.WriteHeader(e.Status)
		return
	}
	writeXML(c, "application/xml", e.Status, restXMLError{Code: e.queryCode(), Message: e.Message,
		Resource: c.R.URL.Path, RequestID: c.RequestID})
}

func writeXML(c *Call, contentType string, status int, v any) {
	b, _ := xml.Marshal(v)
	c.W.Header().Set("Content-Type", contentType)
	c.W.WriteHeader(status)
	_, _ = c.W.Write(append([]byte(xml.Header), b...))
}
