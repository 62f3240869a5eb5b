// Command bootstrap is the built-in record processor as a Lambda function for the provided.al2023
// runtime. Set PROCESSOR_FAIL=true to make every invocation fail (to see retries and the dead-letter queue).
package main

import (
	"log/slog"
	"os"
	"strconv"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/kafkapipeline/kafka-pipeline-operator/lambda/processor"
)

func main() {
	fail, _ := strconv.ParseBool(os.Getenv("PROCESSOR_FAIL"))
	p := &processor.Processor{Log: slog.New(slog.NewJSONHandler(os.Stdout, nil)), Fail: fail}
	lambda.Start(p.Handle)
}
