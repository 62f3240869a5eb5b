package sdkhttp

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"testing"
)

// closedBody behaves like the SDK's request body once the SDK has closed it: WriteTo reports io.EOF.
type closedBody struct {
	*bytes.Reader
}

func (closedBody) WriteTo(io.Writer) (int64, error) { return 0, io.EOF }
func (closedBody) Close() error                     { return nil }

// post sends body to url through c and reports whether the connection had served a request before.
func post(t *testing.T, c interface {
	Do(*http.Request) (*http.Response, error)
}, url string, body []byte) (reused bool) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, closedBody{bytes.NewReader(body)})
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = int64(len(body))
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
		GotConn: func(i httptrace.GotConnInfo) { reused = i.Reused }}))
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("POST: %v", err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil || !bytes.Equal(got, body) {
		t.Fatalf("answer: %d bytes, %v; want the %d sent", len(got), err, len(body))
	}
	return reused
}

// The transport reads what is left of a body after Content-Length bytes; through the wrapper that read ends
// with Read's io.EOF, so the request counts as written and the connection is kept for the next request.
func TestBodyEndsThroughRead(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	c := Wrap(srv.Client())
	body := bytes.Repeat([]byte("x"), 64<<10)
	post(t, c, srv.URL, body)
	if !post(t, c, srv.URL, body) {
		t.Fatal("the connection was not reused: the transport took the first request as failed")
	}
}

func TestWrap(t *testing.T) {
	c := Wrap(nil)
	if c == nil {
		t.Fatal("Wrap(nil) = nil")
	}
	if Wrap(c) != c {
		t.Fatal("Wrap wrapped a wrapped client again")
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength != 0 {
			t.Errorf("GET with a body of %d bytes", r.ContentLength)
		}
	}))
	t.Cleanup(srv.Close)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := Wrap(srv.Client()).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}
