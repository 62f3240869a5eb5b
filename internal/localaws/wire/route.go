package wire

import (
	"net/http"
	"net/url"
	"strings"
)

// UnknownOperation is the error for a request no route matches.
func UnknownOperation(what string) *Error {
	return Errorf(http.StatusBadRequest, "UnknownOperationException", "localaws does not implement %s", what)
}

// RestRouter routes restJson1/restXml requests by method and path. Patterns look like
// "GET /v1/pipes/{Name}"; a final label written {Key+} matches the rest of the path. The escaped path is
// split on "/" before labels are unescaped, so ARNs with %2F stay one label.
type RestRouter struct {
	routes []restRoute
}

type restRoute struct {
	method   string
	segments []string
	op       string
	handler  Handler
}

// Handle registers the handler for operation op at pattern.
func (r *RestRouter) Handle(pattern, op string, h Handler) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		panic("wire: route pattern needs a method: " + pattern)
	}
	r.routes = append(r.routes, restRoute{method: method, segments: splitPath(path), op: op, handler: h})
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// Resolve finds the route for c's request and sets c.Operation and c.Params.
func (r *RestRouter) Resolve(c *Call) (Handler, *Error) {
	segs := splitPath(c.R.URL.EscapedPath())
	for _, rt := range r.routes {
		if rt.method != c.R.Method {
			continue
		}
		if params, ok := matchSegments(rt.segments, segs); ok {
			c.Operation, c.Params = rt.op, params
			return rt.handler, nil
		}
	}
	return nil, UnknownOperation(c.R.Method + " " + c.R.URL.Path)
}

func matchSegments(pattern, segs []string) (map[string]string, bool) {
	params := map[string]string{}
	for i, p := range pattern {
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "+}") {
			if i >= len(segs) {
				return nil, false
			}
			rest := make([]string, 0, len(segs)-i)
			for _, s := range segs[i:] {
				u, err := url.PathUnescape(s)
				if err != nil {
					return nil, false
				}
				rest = append(rest, u)
			}
			params[p[1:len(p)-2]] = strings.Join(rest, "/")
			return params, true
		}
		if i >= len(segs) {
			return nil, false
		}
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") {
			u, err := url.PathUnescape(segs[i])
			if err != nil || u == "" {
				return nil, false
			}
			params[p[1:len(p)-1]] = u
			continue
		}
		if p != segs[i] {
			return nil, false
		}
	}
	return params, len(pattern) == len(segs)
}

// TargetRouter routes awsJson requests by the X-Amz-Target header ("<Prefix>.<Operation>").
type TargetRouter struct {
	// Prefix is the part of X-Amz-Target before the dot, for example "AmazonSQS".
	Prefix   string
	handlers map[string]Handler
}

// Handle registers the handler for operation op.
func (r *TargetRouter) Handle(op string, h Handler) {
	if r.handlers == nil {
		r.handlers = map[string]Handler{}
	}
	r.handlers[op] = h
}

// Resolve finds the handler for c's X-Amz-Target and sets c.Operation.
func (r *TargetRouter) Resolve(c *Call) (Handler, *Error) {
	target := c.R.Header.Get("X-Amz-Target")
	prefix, op, ok := strings.Cut(target, ".")
	if !ok || prefix != r.Prefix {
		return nil, UnknownOperation("X-Amz-Target " + target)
	}
	h, ok := r.handlers[op]
	if !ok {
		return nil, UnknownOperation(op)
	}
	c.Operation = op
	return h, nil
}

// ActionRouter routes awsQuery/ec2Query requests by their Action parameter. It parses the form into c.Form.
type ActionRouter struct {
	handlers map[string]Handler
}

// Handle registers the handler for operation op.
func (r *ActionRouter) Handle(op string, h Handler) {
	if r.handlers == nil {
		r.handlers = map[string]Handler{}
	}
	r.handlers[op] = h
}

// Resolve parses c's form and finds the handler for its Action.
func (r *ActionRouter) Resolve(c *Call) (Handler, *Error) {
	if err := ParseForm(c); err != nil {
		return nil, err
	}
	action := c.Form.Get("Action")
	h, ok := r.handlers[action]
	if !ok {
		return nil, Errorf(http.StatusBadRequest, "InvalidAction", "The action %s is not valid for this web service.", action)
	}
	c.Operation = action
	return h, nil
}

// ParseForm fills c.Form from the URL query and a form-encoded body.
func ParseForm(c *Call) *Error {
	if c.Form != nil {
		return nil
	}
	form := c.R.URL.Query()
	body, err := url.ParseQuery(string(c.Body))
	if err != nil {
		return ValidationError("MalformedQueryString", "the request body is not form-encoded: %v", err)
	}
	for k, v := range body {
		form[k] = append(form[k], v...)
	}
	c.Form = form
	return nil
}
