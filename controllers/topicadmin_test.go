package controllers

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/naming"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/conditions"
)

// functionGone reports whether Lambda no longer has the function.
func functionGone(name string) bool {
	_, err := lambdaClient().GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(name)})
	return awserr.IsNotFound(err)
}

// roleGone reports whether IAM no longer has the role.
func roleGone(name string) bool {
	_, err := iamClient().GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
	return awserr.IsNotFound(err)
}

var _ = Describe("Topic administration", func() {
	It("deploys the topic admin function into the cluster's subnets, creates the pipeline's topic through it, and deletes it after the pipelines", func() {
		ns := createNamespace("topicadmin")
		kc := newCluster(ns, "shared")
		kc.Spec.TopicAdministration = "" // the default
		Expect(k8s.Create(ctx, kc)).To(Succeed())
		waitReady(kc)
		Expect(kc.Spec.TopicAdministration).To(Equal(v1alpha1.TopicAdministrationFunction), "Function is the default")
		for _, t := range []string{v1alpha1.ConditionTopicAdminRoleReady, v1alpha1.ConditionTopicAdminReady} {
			Expect(conditions.IsTrue(kc.Status.Conditions, t)).To(BeTrue(), t)
		}
		fnName, roleName := partName(kc, naming.SuffixTopicAdmin, naming.MaxFunction), partName(kc, naming.SuffixTopicAdminRole, naming.MaxRole)
		st := kc.Status.TopicAdmin
		Expect(st.FunctionName).To(Equal(fnName))
		Expect(st.FunctionARN).To(HaveSuffix(":function:" + fnName))
		Expect(st.RoleARN).To(HaveSuffix(":role/kafkapipeline/" + roleName))
		Expect(st.State).To(Equal("Active"))

		fn, err := lambdaClient().GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(fnName)})
		Expect(err).NotTo(HaveOccurred())
		c := fn.Configuration
		Expect(c.VpcConfig).NotTo(BeNil())
		Expect(c.VpcConfig.SubnetIds).To(ConsistOf(kc.Status.SubnetIDs))
		Expect(c.VpcConfig.SecurityGroupIds).To(ConsistOf(kc.Status.SecurityGroupIDs))
		Expect(aws.ToString(c.VpcConfig.VpcId)).To(Equal(kc.Status.VPCID))
		Expect(c.Environment.Variables).To(HaveKeyWithValue("KP_MODE", "topic-admin"))
		Expect(c.Environment.Variables).To(HaveKeyWithValue("KP_BOOTSTRAP_BROKERS", kc.Status.BootstrapBrokers))
		Expect(c.Environment.Variables).To(HaveKeyWithValue("KP_KAFKA_CA_FILE", kafkaCAFile))
		Expect(aws.ToInt32(c.Timeout)).To(BeNumerically(">=", 30))
		Expect(aws.ToString(c.Role)).To(Equal(st.RoleARN))
		Expect(fn.Tags).To(HaveKeyWithValue("kafkapipeline.dev/kind", "KafkaCluster"))
		policy := rolePolicy(roleName, "kafka-pipeline-topic-admin")
		Expect(policy).To(ContainSubstring(strings.Replace(kc.Status.ARN, ":cluster/", ":topic/", 1)))
		Expect(policy).NotTo(ContainSubstring("DeleteTopic"))

		By("creating a pipeline's topic through the function")
		Expect(admin.ResetCalls(ctx)).To(Succeed())
		kp := newPipeline(ns, "p", kc.Name)
		Expect(k8s.Create(ctx, kp)).To(Succeed())
		waitReady(kp)
		Expect(kp.Status.Cluster.TopicAdminFunction).To(Equal(fnName))
		Expect(kp.Status.Topic.Partitions).To(BeEquivalentTo(3))
		Expect(conditions.Get(kp.Status.Conditions, v1alpha1.ConditionTopicReady).Message).To(ContainSubstring(
			"through the topic admin function " + fnName))
		Expect(countCalls("lambda", "Invoke")).To(BeNumerically(">=", 1))

		By("keeping the function while a pipeline uses the cluster")
		Expect(k8s.Delete(ctx, kc)).To(Succeed())
		waitDeleting(kc, v1alpha1.ConditionTopicAdminReady, "waiting for the KafkaPipelines that use this cluster")
		Expect(functionGone(fnName)).To(BeFalse(), "the pipeline still administers its topic through the function")

		By("deleting the function and its role once the pipeline is gone")
		deleteAll(kp)
		waitGone(kc)
		Expect(functionGone(fnName)).To(BeTrue())
		Expect(roleGone(roleName)).To(BeTrue())
		Expect(ownedLeft(ns)).To(BeEmpty())
	})

	It("deploys nothing with Direct", func() {
		ns := createNamespace("direct")
		kc := newCluster(ns, "shared")
		Expect(k8s.Create(ctx, kc)).To(Succeed())
		waitReady(kc)
		Expect(conditions.Get(kc.Status.Conditions, v1alpha1.ConditionTopicAdminRoleReady)).To(BeNil())
		Expect(conditions.Get(kc.Status.Conditions, v1alpha1.ConditionTopicAdminReady)).To(BeNil())
		Expect(kc.Status.TopicAdmin).To(Equal(v1alpha1.TopicAdminStatus{}))
		Expect(functionGone(partName(kc, naming.SuffixTopicAdmin, naming.MaxFunction))).To(BeTrue())
		Expect(roleGone(partName(kc, naming.SuffixTopicAdminRole, naming.MaxRole))).To(BeTrue())

		kp := newPipeline(ns, "p", kc.Name)
		Expect(k8s.Create(ctx, kp)).To(Succeed())
		waitReady(kp)
		Expect(kp.Status.Cluster.TopicAdminFunction).To(BeEmpty(), "the manager administers the topic itself")

		By("refusing a change of topic administration at admission")
		patch := client.MergeFrom(kc.DeepCopy())
		kc.Spec.TopicAdministration = v1alpha1.TopicAdministrationFunction
		err := k8s.Patch(ctx, kc, patch)
		Expect(err).To(MatchError(ContainSubstring("spec.topicAdministration is immutable")))
		deleteAll(kp, kc)
	})
})
