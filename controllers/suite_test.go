package controllers

import (
	"context"
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
	"sigs.k8s.io/controller-runtime/pkg/config"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	awsapi "github.com/kafkapipeline/kafka-pipeline-operator/internal/aws"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/kafka"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/adminclient"
	"github.com/kafkapipeline/kafka-pipeline-operator/lambda/builtin"
)

// The suite runs the real controllers in a manager against envtest (kube-apiserver + etcd) and an
// in-process localaws, and checks results through localaws's AWS APIs and admin counters.
var (
	testEnv   *envtest.Environment
	cfg       *rest.Config
	k8s       client.Client
	scheme    = runtime.NewScheme()
	local     *localaws.Instance
	admin     *adminclient.Client
	awsCfg    aws.Config
	clients   *awsapi.Clients
	suiteCtx  context.Context
	stopSuite context.CancelFunc
	// stopManager stops the running manager (tests restart it).
	stopManager context.CancelFunc
	// kafkaCAFile holds localaws's CA for the topic admin functions.
	kafkaCAFile string
	// failStatusPatches makes the manager's next N status patches fail, to simulate lost status writes.
	failStatusPatches atomic.Int32
)

const testClusterID = "envtest"

func TestControllers(t *testing.T) {
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		t.Skip("KUBEBUILDER_ASSETS is not set: run `make test`, which builds kube-apiserver and etcd into bin/k8s")
	}
	RegisterFailHandler(Fail)
	RunSpecs(t, "Controllers Suite")
}

var _ = BeforeSuite(func() {
	logf.SetLogger(zap.New(zap.WriteTo(GinkgoWriter), zap.UseDevMode(true)))
	suiteCtx, stopSuite = context.WithCancel(context.Background())
	utilruntime.Must(clientgoscheme.AddToScheme(scheme))
	utilruntime.Must(v1alpha1.AddToScheme(scheme))

	testEnv = &envtest.Environment{
		CRDDirectoryPaths:     []string{filepath.Join("..", "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
	}
	var err error
	cfg, err = testEnv.Start()
	Expect(err).NotTo(HaveOccurred())
	k8s, err = client.New(cfg, client.Options{Scheme: scheme})
	Expect(err).NotTo(HaveOccurred())

	// localaws with short, real lifecycles so every Waiting path is exercised.
	local, err = localaws.Start(suiteCtx, localaws.Options{Addr: "127.0.0.1:0", Profile: "instant",
		Overrides: testDelays})
	Expect(err).NotTo(HaveOccurred())
	admin = adminclient.New(local.Endpoint)
	awsCfg = aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(local.Endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
	clients = awsapi.NewClientCache(awsCfg).For("")
	// The topic admin functions run on this host and trust localaws's CA through a file, as with
	// --kafka-ca-bundle.
	kafkaCAFile = filepath.Join(GinkgoT().TempDir(), "kafka-ca.pem")
	Expect(os.WriteFile(kafkaCAFile, local.KafkaCA, 0o600)).To(Succeed())

	startManager(time.Hour)
})

var _ = AfterSuite(func() {
	if stopManager != nil {
		stopManager()
	}
	stopSuite()
	if local != nil {
		Expect(local.Stop()).To(Succeed())
	}
	if testEnv != nil {
		Expect(testEnv.Stop()).To(Succeed())
	}
})

// startManager runs both controllers in a fresh manager, as a restarted operator would, with the given
// resync period.
func startManager(resync time.Duration) { startManagerWith(resync, testTimings) }

// startManagerWith starts the manager with the given resync period and controller waits.
func startManagerWith(resync time.Duration, timings Timings) {
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme: scheme,
		// Tests restart the manager in one process; controller names repeat.
		Controller: config.Controller{SkipNameValidation: ptr.To(true)},
		Metrics:    metricsserver.Options{BindAddress: "0"},
		NewClient: func(config *rest.Config, options client.Options) (client.Client, error) {
			c, err := client.NewWithWatch(config, options)
			if err != nil {
				return nil, err
			}
			return interceptor.NewClient(c, interceptor.Funcs{
				SubResourcePatch: func(ctx context.Context, c client.Client, sub string, obj client.Object,
					patch client.Patch, opts ...client.SubResourcePatchOption) error {
					if failStatusPatches.Add(-1) >= 0 {
						return errors.New("injected: status write lost")
					}
					failStatusPatches.Store(0)
					return c.SubResource(sub).Patch(ctx, obj, patch, opts...)
				},
			}), nil
		},
	})
	Expect(err).NotTo(HaveOccurred())
	opts := Options{ClusterID: testClusterID, ResyncPeriod: resync, MaxConcurrentReconciles: 4,
		IAMPropagation: 500 * time.Millisecond, Timings: timings, AWSWaits: UniformAWSWaits(testPoll)}
	Expect(Setup{AWS: awsapi.NewClientCache(awsCfg), Topics: &kafka.Admin{Credentials: awsCfg.Credentials, Region: awsCfg.Region,
		RootCAs: kafkaRoots(), Timeout: 5 * time.Second, Waits: opts.AWSWaits.Topics}, KafkaCAFile: kafkaCAFile,
		BuiltinCode: builtin.Zip, BuiltinCodeSHA256: builtin.ZipSHA256, Options: opts}.SetupWithManager(suiteCtx, mgr)).To(Succeed())

	ctx, cancel := context.WithCancel(suiteCtx)
	done := make(chan struct{})
	go func() {
		defer GinkgoRecover()
		defer close(done)
		Expect(mgr.Start(ctx)).To(Succeed())
	}()
	stopManager = func() {
		cancel()
		<-done
	}
}

// kafkaRoots trusts localaws's CA, as the manager does through --kafka-ca-bundle.
func kafkaRoots() *x509.CertPool {
	pool := x509.NewCertPool()
	Expect(pool.AppendCertsFromPEM(local.KafkaCA)).To(BeTrue())
	return pool
}
