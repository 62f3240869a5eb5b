package s3

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// decodeAWSChunked decodes a body sent with Content-Encoding aws-chunked (SigV4 streaming uploads, signed
// or unsigned, with or without trailing checksums): a sequence of "<hex size>[;chunk-signature=...]\r\n
// <data>\r\n" chunks ending with a zero-size chunk, optionally followed by "name:value\r\n" trailers and a
// blank line. Chunk signatures are not verified, as no request signature is.
func decodeAWSChunked(body []byte) (payload []byte, trailers map[string]string, err error) {
	trailers = map[string]string{}
	rest := body
	for {
		line, after, ok := bytes.Cut(rest, []byte("\r\n"))
		if !ok {
			return nil, nil, fmt.Errorf("aws-chunked body ends inside a chunk header")
		}
		sizeField, _, _ := strings.Cut(string(line), ";")
		size, perr := strconv.ParseInt(strings.TrimSpace(sizeField), 16, 64)
		if perr != nil || size < 0 {
			return nil, nil, fmt.Errorf("aws-chunked chunk size %q is not a hexadecimal length", sizeField)
		}
		rest = after
		if size == 0 {
			break
		}
		if int64(len(rest)) < size+2 || string(rest[size:size+2]) != "\r\n" {
			return nil, nil, fmt.Errorf("aws-chunked chunk of %d bytes is truncated or not followed by CRLF", size)
		}
		payload = append(payload, rest[:size]...)
		rest = rest[size+2:]
	}
	for _, line := range strings.Split(string(rest), "\r\n") {
		if line == "" {
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, nil, fmt.Errorf("aws-chunked trailer %q is not name:value", line)
		}
		trailers[strings.ToLower(strings.TrimSpace(name))] = strings.TrimSpace(value)
	}
	if payload == nil {
		payload = []byte{}
	}
	return payload, trailers, nil
}
