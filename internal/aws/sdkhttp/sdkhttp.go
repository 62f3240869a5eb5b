// Package sdkhttp is the HTTP client the operator's SDK clients and localaws's test clients send through:
// the SDK's default client, with a guard against the SDK closing a request body under the transport.
//
// smithy-go closes each request body as soon as the HTTP client returns the response, and once closed the
// body's WriteTo returns io.EOF. net/http, after copying Content-Length bytes of a body, reads the body
// once more to check that nothing is left over, and treats an error there as a failed write: it closes the
// connection. When the server answers before that last read (a body larger than the transport's write
// buffer, a fast server, a busy machine), the connection is closed while the caller still reads the
// response, the read fails with "use of closed network connection", and the SDK retries an operation the
// server has already carried out. Hiding WriteTo makes the transport read the closed body through Read,
// whose io.EOF is the ordinary end of the body.
package sdkhttp

import (
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// Wrap returns next, or the SDK's default client when next is nil, guarded as the package describes.
// Wrapping a client Wrap returned gives it back unchanged.
func Wrap(next aws.HTTPClient) aws.HTTPClient {
	if next == nil {
		next = awshttp.NewBuildableClient()
	}
	if c, ok := next.(client); ok {
		return c
	}
	return client{next: next}
}

// client sends every request through next with the request body reduced to Read and Close.
type client struct {
	next aws.HTTPClient
}

// Do implements aws.HTTPClient.
func (c client) Do(r *http.Request) (*http.Response, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return c.next.Do(r)
	}
	out := r.WithContext(r.Context())
	out.Body = readCloser{r.Body}
	return c.next.Do(out)
}

// readCloser exposes only Read and Close of a request body.
type readCloser struct {
	io.ReadCloser
}
