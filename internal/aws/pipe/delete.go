package pipe

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/pipes"
	"github.com/aws/aws-sdk-go-v2/service/pipes/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
)

// Delete deletes the pipe if it is the owner's. gone is true once no owned pipe of that name exists; a pipe
// of that name that is not the owner's is left alone and counts as gone. A deletion in progress, or a pipe
// busy in another transition (Pipes refuses the delete with ConflictException), gives gone=false with no
// error; repeated calls are safe.
func (s *Service) Delete(ctx context.Context, hint string, d Desired) (gone bool, err error) {
	p, _, err := s.find(ctx, hint, d)
	if err != nil {
		return false, err
	}
	if p == nil || !d.Owner.Owns(p.Tags) {
		return true, nil
	}
	if p.CurrentState == types.PipeStateDeleting {
		return false, nil
	}
	_, err = s.api.DeletePipe(ctx, &pipes.DeletePipeInput{Name: p.Name})
	switch {
	case awserr.IsNotFound(err):
		return true, nil
	case awserr.HasCode(err, "ConflictException"):
		return false, nil
	case err != nil:
		return false, awserr.Classify(err, fmt.Sprintf("deleting pipe %q", aws.ToString(p.Name)))
	}
	return false, nil
}
