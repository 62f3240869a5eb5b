package lambda

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	lambdasdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

func TestLoggingConfig(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	got := h.mustActive(t, "log-fn").Configuration.LoggingConfig
	if got.LogFormat != types.LogFormatText || aws.ToString(got.LogGroup) != "/aws/lambda/log-fn" ||
		got.ApplicationLogLevel != "" || got.SystemLogLevel != "" {
		t.Fatalf("default LoggingConfig = %+v", got)
	}
	update := func(name string, lc *types.LoggingConfig) (*types.LoggingConfig, error) {
		out, err := h.client.UpdateFunctionConfiguration(ctx, &lambdasdk.UpdateFunctionConfigurationInput{
			FunctionName: aws.String(name), LoggingConfig: lc})
		if err != nil {
			return nil, err
		}
		h.waitFunction(t, name, func(c *types.FunctionConfiguration) bool {
			return c.LastUpdateStatus == types.LastUpdateStatusSuccessful
		})
		return out.LoggingConfig, nil
	}
	_, err := update("log-fn", &types.LoggingConfig{ApplicationLogLevel: types.ApplicationLogLevelDebug})
	wantError[*types.InvalidParameterValueException](t, err, "only when LogFormat is JSON")

	got, err = update("log-fn", &types.LoggingConfig{LogFormat: types.LogFormatJson, LogGroup: aws.String("/shared/logs")})
	if err != nil || got.ApplicationLogLevel != types.ApplicationLogLevelInfo || got.SystemLogLevel != types.SystemLogLevelInfo ||
		aws.ToString(got.LogGroup) != "/shared/logs" {
		t.Fatalf("JSON without levels = %+v, %v; want INFO for both", got, err)
	}
	got, err = update("log-fn", &types.LoggingConfig{ApplicationLogLevel: types.ApplicationLogLevelError})
	if err != nil || got.LogFormat != types.LogFormatJson || got.ApplicationLogLevel != types.ApplicationLogLevelError ||
		got.SystemLogLevel != types.SystemLogLevelInfo {
		t.Fatalf("a level change = %+v, %v; want the other members kept", got, err)
	}
	if v, _ := h.svc.Function("log-fn"); v.LogFormat != "JSON" || v.ApplicationLogLevel != "ERROR" || v.LogGroup != "/shared/logs" {
		t.Errorf("view = %+v", v)
	}
	got, err = update("log-fn", &types.LoggingConfig{LogFormat: types.LogFormatText})
	if err != nil || got.ApplicationLogLevel != "" || got.SystemLogLevel != "" || aws.ToString(got.LogGroup) != "/shared/logs" {
		t.Fatalf("back to Text = %+v, %v; want the levels dropped", got, err)
	}
	_, err = update("log-fn", &types.LoggingConfig{LogFormat: "XML"})
	wantValidation(t, err, "loggingConfig.logFormat")
}
