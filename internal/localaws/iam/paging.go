package iam

import "github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"

// defaultMaxItems is how many items IAM list operations return when MaxItems is not given.
const defaultMaxItems = 100

// listPage is the IsTruncated/Marker pair every IAM list result carries.
type listPage struct {
	IsTruncated bool   `xml:"IsTruncated"`
	Marker      string `xml:"Marker,omitempty"`
}

// paginate returns one page of items for an IAM Marker/MaxItems request.
func paginate[T any](items []T, marker string, maxItems int) ([]T, listPage, *wire.Error) {
	page, next, ok := wire.Page(items, marker, maxItems, defaultMaxItems)
	if !ok {
		// UNCONFIRMED: IAM's answer to a Marker it did not issue; ValidationError is the only error every
		// list operation can return.
		return nil, listPage{}, wire.ValidationError("ValidationError", "Invalid Marker: %s", marker)
	}
	return page, listPage{IsTruncated: next != "", Marker: next}, nil
}
