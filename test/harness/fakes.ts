// What the mocks answer for resources and invokes: the outputs a real provider would compute,
// faked deterministically from the resource name so two runs give the same graph.
import { createHash } from "crypto";

function digest(s: string): string {
    return createHash("sha256").update(s).digest("hex");
}

/** A stable fake private IP in 10.40.0.0/16 for a resource name. */
export function fakeIp(name: string): string {
    const h = digest(name);
    return `10.40.${parseInt(h.slice(0, 2), 16)}.${(parseInt(h.slice(2, 4), 16) % 250) + 4}`;
}

/** Outputs a provider computes on create: an auto-name like Pulumi's, then by resource type. */
export function fakeOutputs(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
    const autoName = inputs.name ?? `${name}-${digest(name).slice(0, 7)}`;
    // Kubernetes objects without a metadata.name get one from the provider, like any auto-name.
    const meta = inputs.metadata as Record<string, unknown> | undefined;
    const k8sName = type.startsWith("kubernetes:") && meta && !meta.name ? { metadata: { ...meta, name: autoName } } : {};
    return { name: autoName, ...k8sName, ...byType(type, name, inputs) };
}

function byType(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
    switch (type) {
        case "aws:ec2/keyPair:KeyPair":
            return { keyName: inputs.keyName ?? `${name}-${digest(name).slice(0, 7)}` };
        case "aws:ec2/instance:Instance":
            return { privateIp: fakeIp(name), publicIp: inputs.associatePublicIpAddress ? "203.0.113.10" : "", arn: `arn:aws:ec2:eu-west-1:123456789012:instance/${name}` };
        case "aws:rds/instance:Instance":
            return { address: `${name}.abc123.eu-west-1.rds.amazonaws.com`, port: 5432, endpoint: `${name}.abc123.eu-west-1.rds.amazonaws.com:5432`, arn: `arn:aws:rds:eu-west-1:123456789012:db:${name}` };
        case "aws:lb/loadBalancer:LoadBalancer":
            return { dnsName: `${name}.elb.eu-west-1.amazonaws.com`, arn: `arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/${name}` };
        case "random:index/randomPassword:RandomPassword":
            return { result: `fake-random-${digest(name).slice(0, Number(inputs.length ?? 24) - 12)}` };
        case "random:index/randomBytes:RandomBytes":
            return { hex: digest(name).slice(0, Number(inputs.length ?? 32) * 2), base64: Buffer.from(digest(name), "hex").subarray(0, Number(inputs.length ?? 32)).toString("base64") };
        case "command:local:Command":
        case "command:remote:Command":
            return { stdout: fakeCommandStdout(name), stderr: "" };
        case "docker:index/network:Network":
            return { name: inputs.name ?? name };
        case "docker:index/remoteImage:RemoteImage":
            // The image's own id: it changes with the reference (and, for real, with a re-pull).
            return { imageId: `sha256:${digest(String(inputs.name))}`, repoDigest: `${String(inputs.name).split(":")[0]}@sha256:${digest(`repo/${String(inputs.name)}`)}` };
        case "docker:index/image:Image":
            return { repoDigest: `sha256:${digest(JSON.stringify(inputs.build ?? {}) + String(inputs.imageName))}` };
        case "docker:index/volume:Volume":
            return { name: inputs.name ?? name, mountpoint: `/var/lib/docker/volumes/${name}/_data` };
        default:
            if (type.startsWith("aws:")) return { arn: `arn:aws:${type.split(":")[1].split("/")[0]}:eu-west-1:123456789012:${name}` };
            return {};
    }
}

/** Readiness gates print the JSON they saw; identity commands print an id. */
function fakeCommandStdout(name: string): string {
    if (name.endsWith("-metagraph-id")) return `DAG${digest(name).slice(0, 37)}`;
    if (name.endsWith("-peer-id")) return digest(name) + digest(`${name}/2`);
    return JSON.stringify({ id: digest(name) + digest(`${name}/2`), state: "Ready", host: fakeIp(name) });
}

/** The caller identity the fakes answer: an STS role session, as a CI runner's credentials are. */
export const DEPLOYER_SESSION_ARN = "arn:aws:sts::123456789012:assumed-role/chainfleet-deployer/ci-run-1";

/** Answers provider functions (invokes). */
export function fakeCall(token: string, inputs: Record<string, unknown>): Record<string, unknown> {
    switch (token) {
        case "aws:index/getAvailabilityZones:getAvailabilityZones":
            return { names: ["eu-west-1a", "eu-west-1b", "eu-west-1c"], zoneIds: ["euw1-az1", "euw1-az2", "euw1-az3"] };
        case "aws:ec2/getAmi:getAmi":
            return { id: "ami-0fake0al2023", architecture: "x86_64" };
        case "aws:index/getCallerIdentity:getCallerIdentity":
            // A CI deployer on an assumed role: its ARN names the session, which differs on every run.
            return { accountId: "123456789012", arn: DEPLOYER_SESSION_ARN, userId: "AROAEXAMPLE:ci-run-1" };
        case "aws:index/getRegion:getRegion":
            return { name: "eu-west-1", region: "eu-west-1" };
        case "aws:ec2/getVpc:getVpc":
            return { id: inputs.id, cidrBlock: "10.40.0.0/16" };
        case "aws:ec2/getSubnet:getSubnet":
            // Existing subnets: in one fake VPC, each in the AZ its id's last digit names.
            return { id: inputs.id, vpcId: "vpc-0abc12345def67890", availabilityZone: `eu-west-1${"abc"[Number(String(inputs.id).slice(-1)) % 3]}` };
        case "aws:index/getPartition:getPartition":
            return { partition: "aws", dnsSuffix: "amazonaws.com" };
        default:
            return { ...inputs };
    }
}
