package esm

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
)

// Delete deletes the mapping if it is the owner's. gone is true once no owned mapping exists; a mapping of
// that function, cluster and topic that is not the owner's is left alone and counts as gone. A deletion in
// progress, or a mapping busy in another transition (Lambda refuses the delete with
// ResourceInUseException), gives gone=false with no error; repeated calls are safe.
func (s *Service) Delete(ctx context.Context, hint string, d Desired) (gone bool, err error) {
	o, _, err := s.find(ctx, hint, d)
	if err != nil {
		return false, err
	}
	if o == nil || !d.Owner.Owns(o.Tags) {
		return true, nil
	}
	if o.State == StateDeleting {
		return false, nil
	}
	_, err = s.api.DeleteEventSourceMapping(ctx, &lambda.DeleteEventSourceMappingInput{UUID: aws.String(o.UUID)})
	switch {
	case awserr.IsNotFound(err):
		return true, nil
	case awserr.HasCode(err, "ResourceInUseException"):
		return false, nil
	case err != nil:
		return false, awserr.Classify(err, fmt.Sprintf("deleting event source mapping %s", o.UUID))
	}
	return false, nil
}
