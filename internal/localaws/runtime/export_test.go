package runtime

// HandlerZipForTest gives the external tests the Go test function's deployment package.
func HandlerZipForTest() []byte { return handlerZip }
