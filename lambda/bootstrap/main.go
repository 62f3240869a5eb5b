// Command bootstrap is the built-in binary for the provided.al2023 runtime. By default it is the record
// processor; set PROCESSOR_FAIL=true to make every invocation fail (to see retries and the dead-letter
// queue). With KP_MODE=topic-admin it is a cluster's topic admin function instead (see lambda/topicadmin).
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/kafkapipeline/kafka-pipeline-operator/lambda/processor"
	"github.com/kafkapipeline/kafka-pipeline-operator/lambda/topicadmin"
)

func main() {
	switch mode := os.Getenv(topicadmin.EnvMode); mode {
	case "":
		fail, _ := strconv.ParseBool(os.Getenv("PROCESSOR_FAIL"))
		p := &processor.Processor{Log: slog.New(slog.NewJSONHandler(os.Stdout, nil)), Fail: fail}
		lambda.Start(p.Handle)
	case topicadmin.ModeTopicAdmin:
		h, err := topicadmin.FromEnvironment(context.Background(), os.Getenv)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1) // an init error: Lambda reports Runtime.ExitError to the caller
		}
		lambda.Start(h.Handle)
	default:
		fmt.Fprintf(os.Stderr, "unknown %s %q (want %q or unset)\n", topicadmin.EnvMode, mode, topicadmin.ModeTopicAdmin)
		os.Exit(1)
	}
}
