// Provider model of @pulumi/aws (7.x), bridged from hashicorp/terraform-provider-aws (SDKv2
// resources). The aws snapshot is too large to fetch here, so files were read one by one through
// the code index; the commit each came from is given where the index named one (not necessarily the
// commit pulumi-aws 7.48.0 pins). Only inputs whose schema was read are modelled; the rest are
// listed as gaps in the report and left out here.
//
// Read-back: for bridged resources the diff is Terraform's, which applies a field's StateFunc and
// DiffSuppressFunc to the new value too. So a StateFunc (user_data → SHA1, JSON normalisation,
// engine → lower case, public_key → trimmed) or an equivalence suppress (IAM policy JSON) does not
// by itself make a diff: those read-backs are modelled as identity, with the fact in the source.
// TypeSet values are compared as canonical sorts (forms.ts sortedSet).
//
// Validation messages follow hashicorp/terraform-plugin-sdk helper/validation (StringMatch with a
// message: "invalid value for %s (%s)"; StringLenBetween: "expected length of %s to be in the range
// (%d - %d), got %s"; IntBetween: "expected %s to be in the range (%d - %d), got %d"); that wording
// was not re-read here.
import { InputModel, TypeModel } from "./model";
import { isRecord, sortedSet } from "./forms";

const TF = "hashicorp/terraform-provider-aws";
const same = (forceNew: boolean, source: string): InputModel => ({ forceNew, source });
const tags = (file: string): InputModel => same(false, `${TF} ${file} (tags: tftags.TagsSchema, updated in place)`);

function lenBetween(key: string, min: number, max: number) {
    return (v: unknown): string | undefined =>
        typeof v === "string" && (v.length < min || v.length > max) ? `expected length of ${key} to be in the range (${min} - ${max}), got ${v}` : undefined;
}
function intBetween(key: string, min: number, max: number) {
    return (v: unknown): string | undefined =>
        typeof v === "number" && (v < min || v > max) ? `expected ${key} to be in the range (${min} - ${max}), got ${v}` : undefined;
}

// ---- DLM lifecycle policy -------------------------------------------------------------------
const DLM = `${TF} internal/service/dlm/lifecycle_policy.go`;
const DLM_DESCRIPTION = /^[0-9A-Za-z _-]+$/;

/** description: validation.All(StringMatch(^[0-9A-Za-z _-]+$, "see …create-lifecycle-policy.html"),
 *  StringLenBetween(1, 500)). A colon, dot or slash fails the preview. */
export function dlmDescriptionCheck(v: unknown): string | undefined {
    if (typeof v !== "string" || v === "<unknown>") return undefined;
    if (!DLM_DESCRIPTION.test(v)) return "invalid value for description (see https://docs.aws.amazon.com/cli/latest/reference/dlm/create-lifecycle-policy.html)";
    return lenBetween("description", 1, 500)(v);
}

const TIMES = /^(0[0-9]|1[0-9]|2[0-3]):[0-5][0-9]$/;
function dlmPolicyDetailsCheck(v: unknown): string | undefined {
    if (!isRecord(v) || !Array.isArray(v.schedules)) return undefined;
    for (const s of v.schedules) {
        if (!isRecord(s)) continue;
        const name = lenBetween("policy_details.0.schedule.0.name", 0, 120)(s.name);
        if (name) return name;
        const rule = isRecord(s.createRule) ? s.createRule : undefined;
        if (rule && typeof rule.interval === "number" && ![1, 2, 3, 4, 6, 8, 12, 24].includes(rule.interval)) {
            return `expected policy_details.0.schedule.0.create_rule.0.interval to be one of [1 2 3 4 6 8 12 24], got ${rule.interval}`;
        }
        const times = rule ? (Array.isArray(rule.times) ? rule.times : rule.times === undefined ? [] : [rule.times]) : [];
        for (const t of times) {
            if (typeof t === "string" && !TIMES.test(t)) return "invalid value for policy_details.0.schedule.0.create_rule.0.times.0 (see https://docs.aws.amazon.com/dlm/latest/APIReference/API_CreateRule.html#dlm-Type-CreateRule-Times)";
        }
        const retain = isRecord(s.retainRule) ? s.retainRule : undefined;
        const count = retain ? intBetween("policy_details.0.schedule.0.retain_rule.0.count", 1, 1000)(retain.count) : undefined;
        if (count) return count;
    }
    return undefined;
}

const dlmPolicy: TypeModel = {
    type: "aws:dlm/lifecyclePolicy:LifecyclePolicy",
    source: `${DLM}@cc0fff0e (ResourceLifecyclePolicy)`,
    inputs: {
        description: { forceNew: false, check: dlmDescriptionCheck, source: `${DLM}@cc0fff0e ("description" Required, ValidateFunc validation.All(StringMatch("^[0-9A-Za-z _-]+$"), StringLenBetween(1, 500)); Update: UpdateLifecyclePolicy)` },
        executionRoleArn: same(false, `${DLM}@cc0fff0e ("execution_role_arn" verify.ValidARN; Update)`),
        policyDetails: {
            forceNew: false, check: dlmPolicyDetailsCheck,
            source: `${DLM}@cc0fff0e ("policy_details": schedule.name StringLenBetween(0,120), create_rule.interval IntInSlice{1,2,3,4,6,8,12,24}, times regex, retain_rule.count IntBetween(1,1000); schedule.copy_tags ForceNew — not split out here; Update)`,
        },
        state: same(false, `${DLM}@cc0fff0e ("state" default ENABLED, StringInSlice; Update)`),
    },
};

// ---- EC2 instance ---------------------------------------------------------------------------
const INST = `${TF} internal/service/ec2/ec2_instance_migrate.go (resourceInstanceV1 schema, a copy of ec2_instance.go's)`;
const INST_CD = `${TF} internal/service/ec2/ec2_instance.go (CustomizeDiff: customdiff.ForceNewIf("user_data", user_data_replace_on_change))`;

/** Sub-fields of nested inputs whose change replaces although the input as a whole updates. */
export const NESTED_FORCE_NEW: Readonly<Record<string, readonly string[]>> = {
    "aws:ec2/instance:Instance": ["rootBlockDevice.encrypted", "rootBlockDevice.kmsKeyId"],
    "aws:dlm/lifecyclePolicy:LifecyclePolicy": ["policyDetails.schedules[*].copyTags"],
};

const instance: TypeModel = {
    type: "aws:ec2/instance:Instance",
    source: `${INST}; ${INST_CD}`,
    inputs: {
        ami: same(true, `${INST} ("ami" ForceNew)`),
        associatePublicIpAddress: same(true, `${INST} ("associate_public_ip_address" ForceNew)`),
        availabilityZone: same(true, `${INST} ("availability_zone" ForceNew)`),
        cpuOptions: same(true, `${INST} ("cpu_options": amd_sev_snp, core_count, threads_per_core are ForceNew — SEV-SNP cannot be enabled after launch, AWS EC2 User Guide snp-work-launch)`),
        enclaveOptions: same(true, `${INST} ("enclave_options" MaxItems 1; its only field "enabled" is ForceNew)`),
        iamInstanceProfile: same(false, `${INST} ("iam_instance_profile" Optional Computed, not ForceNew)`),
        instanceType: same(false, `${INST} ("instance_type" not ForceNew); ${TF} internal/service/ec2/ec2_instance.go (CustomizeDiff ForceNewIf(instance_type, …) under conditions not read in full — not modelled)`),
        keyName: same(true, `${INST} ("key_name" ForceNew)`),
        metadataOptions: same(false, `${INST} ("metadata_options" not ForceNew; http_put_response_hop_limit IntBetween(1,64))`),
        monitoring: same(false, `${INST} ("monitoring" not ForceNew)`),
        rootBlockDevice: same(false, `${INST} ("root_block_device": volume_size/volume_type/iops/throughput update; encrypted and kms_key_id ForceNew — see NESTED_FORCE_NEW)`),
        subnetId: same(true, `${INST} ("subnet_id" ForceNew)`),
        tags: tags("internal/service/ec2/ec2_instance_migrate.go"),
        userData: {
            forceNew: true,
            check: lenBetween("user_data", 0, 16384),
            source: `${INST} ("user_data" StateFunc userDataHashSum → state holds a SHA1 hex, applied to the new value as well; StringLenBetween(0,16384)); ${INST_CD} — forceNew true because we set userDataReplaceOnChange: true; without it a change is an in-place update (stop/start); the @pulumi/aws 7.48.0 ec2/instance.d.ts doc says the same`,
        },
        userDataReplaceOnChange: same(false, `${INST} ("user_data_replace_on_change" default false, not ForceNew)`),
        vpcSecurityGroupIds: { forceNew: false, unordered: true, readBack: sortedSet, source: `${INST} ("vpc_security_group_ids" TypeSet, not ForceNew)` },
    },
};

// ---- EBS volume, attachment -----------------------------------------------------------------
const EBS = `${TF} internal/service/ec2/ebs_volume.go@0073593e`;
const ebsVolume: TypeModel = {
    type: "aws:ebs/volume:Volume",
    source: EBS,
    inputs: {
        availabilityZone: same(true, `${EBS} ("availability_zone" Required ForceNew)`),
        encrypted: same(true, `${EBS} ("encrypted" ForceNew)`),
        size: same(false, `${EBS} ("size" not ForceNew; Update: ModifyVolume)`),
        snapshotId: { forceNew: true, computed: true, source: `${EBS} ("snapshot_id" Optional Computed ForceNew; Read sets volume.SnapshotId)` },
        finalSnapshot: same(false, `${EBS} ("final_snapshot" Optional Default false; read by Delete: CreateSnapshot before DeleteVolume)`),
        type: same(false, `${EBS} ("type" not ForceNew; Update: ModifyVolume)`),
        tags: tags("internal/service/ec2/ebs_volume.go"),
    },
};

const ATT = `${TF} internal/service/ec2/ebs_volume_attachment.go@0620f2a6`;
const volumeAttachment: TypeModel = {
    type: "aws:ec2/volumeAttachment:VolumeAttachment",
    source: ATT,
    inputs: {
        deviceName: same(true, `${ATT} ("device_name" ForceNew)`),
        instanceId: same(true, `${ATT} ("instance_id" ForceNew)`),
        volumeId: same(true, `${ATT} ("volume_id" ForceNew)`),
        stopInstanceBeforeDetaching: same(false, `${ATT} ("stop_instance_before_detaching" Optional; Update is schema.NoopContext; read by Delete)`),
    },
};

// ---- Networking -----------------------------------------------------------------------------
const SG = `${TF} internal/service/ec2/vpc_security_group.go@01606926`;
const securityGroup: TypeModel = {
    type: "aws:ec2/securityGroup:SecurityGroup",
    source: SG,
    inputs: {
        description: { forceNew: true, check: lenBetween("description", 0, 255), source: `${SG} ("description" ForceNew, default "Managed by Terraform", StringLenBetween(0,255)); @pulumi/aws 7.48.0 ec2/securityGroup.d.ts doc: description cannot be changed` },
        egress: { forceNew: false, unordered: true, readBack: sortedSet, source: `${SG} ("egress" TypeSet, updated by updateSecurityGroupRules)` },
        ingress: { forceNew: false, unordered: true, readBack: sortedSet, source: `${SG} ("ingress" TypeSet, updated by updateSecurityGroupRules; protocol StateFunc protocolStateFunc)` },
        vpcId: same(true, `${SG} ("vpc_id" ForceNew)`),
        tags: tags("internal/service/ec2/vpc_security_group.go"),
    },
};

const SUBNET = `${TF} internal/service/ec2/vpc_subnet.go@00cda125`;
const subnet: TypeModel = {
    type: "aws:ec2/subnet:Subnet",
    source: SUBNET,
    inputs: {
        availabilityZone: same(true, `${SUBNET} ("availability_zone" ForceNew)`),
        cidrBlock: same(true, `${SUBNET} ("cidr_block" ForceNew, ValidIPv4CIDRNetworkAddress)`),
        mapPublicIpOnLaunch: same(false, `${SUBNET} ("map_public_ip_on_launch"; Update: modifySubnetMapPublicIPOnLaunch)`),
        vpcId: same(true, `${SUBNET} ("vpc_id" Required ForceNew)`),
        tags: tags("internal/service/ec2/vpc_subnet.go"),
    },
};

const VPC = `${TF} internal/service/ec2/vpc_.go@00081ce4`;
const vpc: TypeModel = {
    type: "aws:ec2/vpc:Vpc",
    source: VPC,
    inputs: {
        cidrBlock: same(true, `${VPC} ("cidr_block" ForceNew, IsCIDRNetwork(16, 28))`),
        enableDnsHostnames: same(false, `${VPC} ("enable_dns_hostnames"; Update: modifyVPCDNSHostnames)`),
        enableDnsSupport: same(false, `${VPC} ("enable_dns_support" default true; Update: modifyVPCDNSSupport)`),
        tags: tags("internal/service/ec2/vpc_.go"),
    },
};

const EIP = `${TF} internal/service/ec2/ec2_eip.go@01606926`;
const eip: TypeModel = {
    type: "aws:ec2/eip:Eip", source: EIP,
    inputs: { domain: same(true, `${EIP} ("domain" ForceNew, enum DomainType)`), tags: tags("internal/service/ec2/ec2_eip.go") },
};

const EIPA = `${TF} internal/service/ec2/ec2_eip_association.go@01c08000`;
const eipAssociation: TypeModel = {
    type: "aws:ec2/eipAssociation:EipAssociation",
    source: EIPA,
    inputs: {
        allocationId: same(true, `${EIPA} ("allocation_id" ForceNew; no Update function)`),
        instanceId: same(true, `${EIPA} ("instance_id" ForceNew; no Update function)`),
    },
};

const SM = `${TF} internal/service/secretsmanager/secret.go@00c21ced`;
const secret: TypeModel = {
    type: "aws:secretsmanager/secret:Secret",
    source: SM,
    inputs: {
        name: same(true, `${SM} ("name" Optional Computed ForceNew, validSecretName)`),
        description: same(false, `${SM} ("description"; Update: UpdateSecret)`),
        kmsKeyId: same(false, `${SM} ("kms_key_id"; Update: UpdateSecret; Read stores DescribeSecret KmsKeyId — we pass the key ARN)`),
        recoveryWindowInDays: same(false, `${SM} ("recovery_window_in_days" Default 30, 7–30 or 0; read by Delete only)`),
        tags: tags("internal/service/secretsmanager/secret.go"),
    },
};

const NAT = `${TF} internal/service/ec2/vpc_nat_gateway.go@04088eaa`;
const natGateway: TypeModel = {
    type: "aws:ec2/natGateway:NatGateway",
    source: NAT,
    inputs: {
        allocationId: same(true, `${NAT} ("allocation_id" ForceNew)`),
        subnetId: same(true, `${NAT} ("subnet_id" Required ForceNew)`),
    },
};

const KP = `${TF} internal/service/ec2/ec2_key_pair.go@05bc9541`;
const keyPair: TypeModel = {
    type: "aws:ec2/keyPair:KeyPair",
    source: KP,
    inputs: { publicKey: same(true, `${KP} ("public_key" Required ForceNew, StateFunc strings.TrimSpace — applied to both sides; Update: tags only)`) },
};

// ---- IAM, KMS, SSM --------------------------------------------------------------------------
const ROLE = `${TF} internal/service/iam/role.go@0040ea69`;
const role: TypeModel = {
    type: "aws:iam/role:Role",
    source: ROLE,
    inputs: {
        assumeRolePolicy: {
            forceNew: false,
            check: (v) => {
                if (typeof v !== "string" || v === "<unknown>") return undefined;
                try {
                    JSON.parse(v);
                    return undefined;
                } catch (e) {
                    return `"assume_role_policy" contains an invalid JSON: ${(e as Error).message}`;
                }
            },
            source: `${ROLE} ("assume_role_policy" ValidateFunc StringIsJSON, DiffSuppressFunc SuppressEquivalentPolicyDiffs, StateFunc NormalizeJsonString; Update: UpdateAssumeRolePolicy). An object value is serialised to JSON by pulumi-aws — not confirmed in code`,
        },
    },
};

const RPA = `${TF} internal/service/iam/role_policy_attachment.go@04c79849`;
const rolePolicyAttachment: TypeModel = {
    type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    source: RPA,
    inputs: { policyArn: same(true, `${RPA} ("policy_arn" ForceNew; no Update)`), role: same(true, `${RPA} ("role" ForceNew; no Update)`) },
};

const KMS = `${TF} internal/service/kms/key.go@00a35305`;
const kmsKey: TypeModel = {
    type: "aws:kms/key:Key",
    source: KMS,
    inputs: {
        deletionWindowInDays: { forceNew: false, check: intBetween("deletion_window_in_days", 7, 30), source: `${KMS} ("deletion_window_in_days" IntBetween(7,30), not ForceNew; used by Delete only)` },
        description: { forceNew: false, check: lenBetween("description", 0, 8192), source: `${KMS} ("description" StringLenBetween(0,8192); Update: updateKeyDescription)` },
        enableKeyRotation: same(false, `${KMS} ("enable_key_rotation" default false; Update: updateKeyRotationEnabled)`),
        policy: same(false, `${KMS} ("policy" sdkv2.IAMPolicyDocumentSchemaOptionalComputed — equivalence-suppressed; Read: structure.NormalizeJsonString; Update: updateKeyPolicy)`),
    },
};

const SSM = `${TF} internal/service/ssm/parameter.go@0073593e`;
const ssmParameter: TypeModel = {
    type: "aws:ssm/parameter:Parameter",
    source: SSM,
    inputs: {
        description: { forceNew: false, check: lenBetween("description", 0, 1024), source: `${SSM} ("description" StringLenBetween(0,1024); Update: PutParameter overwrite)` },
        name: { forceNew: true, check: lenBetween("name", 1, 2048), source: `${SSM} ("name" Required ForceNew, StringLenBetween(1,2048))` },
        type: same(false, `${SSM} ("type" Required, enum ParameterType, NOT ForceNew; Update: PutParameter)`),
        value: same(false, `${SSM} ("value" Sensitive; Update: PutParameter)`),
    },
};

// ---- RDS ------------------------------------------------------------------------------------
const RDS = `${TF} internal/service/rds/instance.go@00e4b238`;
const FINAL_SNAPSHOT: [RegExp, boolean, string][] = [
    [/^[A-Za-z]/, true, "must begin with alphabetic character"],
    [/^[0-9A-Za-z-]+$/, true, "must only contain alphanumeric characters and hyphens"],
    [/--/, false, "cannot contain two consecutive hyphens"],
    [/-$/, false, "cannot end in a hyphen"],
];
const rdsInstance: TypeModel = {
    type: "aws:rds/instance:Instance",
    source: RDS,
    inputs: {
        allocatedStorage: same(false, `${RDS} ("allocated_storage" not ForceNew; DiffSuppress when autoscaled above config)`),
        applyImmediately: same(false, `${RDS} ("apply_immediately" Optional Computed)`),
        autoMinorVersionUpgrade: same(false, `${RDS} ("auto_minor_version_upgrade" default true)`),
        backupRetentionPeriod: same(false, `${RDS} ("backup_retention_period" not ForceNew)`),
        copyTagsToSnapshot: same(false, `${RDS} ("copy_tags_to_snapshot" default false)`),
        dbName: same(true, `${RDS} ("db_name" ForceNew)`),
        dbSubnetGroupName: same(false, `${RDS} ("db_subnet_group_name" Optional Computed, not ForceNew in this version)`),
        deletionProtection: same(false, `${RDS} ("deletion_protection")`),
        engine: same(true, `${RDS} ("engine" ForceNew, StateFunc strings.ToLower — applied to both sides)`),
        engineVersion: same(false, `${RDS} ("engine_version" not ForceNew; compareActualEngineVersion keeps the configured "16" in state while the actual version is "16.x")`),
        finalSnapshotIdentifier: {
            forceNew: false,
            check: (v) => {
                if (typeof v !== "string" || v === "<unknown>") return undefined;
                for (const [re, mustMatch, msg] of FINAL_SNAPSHOT) if (re.test(v) !== mustMatch) return `invalid value for final_snapshot_identifier (${msg})`;
                return undefined;
            },
            source: `${RDS} ("final_snapshot_identifier" validation.All(StringMatch ^[A-Za-z], ^[0-9A-Za-z-]+$, StringDoesNotMatch --, -$))`,
        },
        instanceClass: same(false, `${RDS} ("instance_class" Required, not ForceNew)`),
        multiAz: same(false, `${RDS} ("multi_az" Optional Computed)`),
        parameterGroupName: same(false, `${RDS} ("parameter_group_name" Optional Computed)`),
        password: same(false, `${RDS} ("password" Sensitive, not ForceNew)`),
        performanceInsightsEnabled: same(false, `${RDS} ("performance_insights_enabled" default false)`),
        publiclyAccessible: same(false, `${RDS} ("publicly_accessible" default false)`),
        skipFinalSnapshot: same(false, `${RDS} ("skip_final_snapshot" default false)`),
        storageEncrypted: same(true, `${RDS} ("storage_encrypted" ForceNew)`),
        storageType: same(false, `${RDS} ("storage_type" StringInSlice, not ForceNew)`),
        username: same(true, `${RDS} ("username" ForceNew)`),
        vpcSecurityGroupIds: { forceNew: false, unordered: true, readBack: sortedSet, source: `${RDS} ("vpc_security_group_ids" TypeSet, not ForceNew)` },
    },
};

const PG = `${TF} internal/service/rds/parameter_group.go@01606926`;
const parameterGroup: TypeModel = {
    type: "aws:rds/parameterGroup:ParameterGroup",
    source: PG,
    inputs: {
        description: same(true, `${PG} ("description" ForceNew, default "Managed by Terraform")`),
        family: same(true, `${PG} ("family" Required ForceNew)`),
        parameters: { forceNew: false, unordered: true, readBack: sortedSet, source: `${PG} ("parameter" TypeSet, Set parameterHash; Update: ModifyDBParameterGroup / Reset; Read keeps user-sourced and configured parameters)` },
    },
};

// ---- Routing, IGW, IAM bits, KMS ciphertext, RDS subnet group -------------------------------
const IGW = `${TF} internal/service/ec2/vpc_internet_gateway.go@08923b68`;
const internetGateway: TypeModel = {
    type: "aws:ec2/internetGateway:InternetGateway",
    source: IGW,
    inputs: { vpcId: same(false, `${IGW} ("vpc_id" Optional Computed, not ForceNew; Update: detach then attach)`) },
};

const RT = `${TF} internal/service/ec2/vpc_route_table.go@02209241`;
const routeTable: TypeModel = {
    type: "aws:ec2/routeTable:RouteTable",
    source: RT,
    inputs: {
        routes: { forceNew: false, unordered: true, readBack: sortedSet, source: `${RT} ("route" TypeSet ConfigModeAttr, Set resourceRouteTableHash; Update adds/replaces/deletes routes; Read: flattenRoutes)` },
        vpcId: same(true, `${RT} ("vpc_id" Required ForceNew)`),
    },
};

// Read through find_string (the provider's current source, not at a pinned commit).
const ROUTE = `${TF} internal/service/ec2/vpc_route.go`;
const route: TypeModel = {
    type: "aws:ec2/route:Route",
    source: ROUTE,
    inputs: {
        routeTableId: same(true, `${ROUTE} ("route_table_id" Required ForceNew)`),
        destinationCidrBlock: same(true, `${ROUTE} ("destination_cidr_block" Optional ForceNew, ExactlyOneOf the destinations)`),
        gatewayId: same(false, `${ROUTE} ("gateway_id" Optional, not ForceNew; Update: ReplaceRoute)`),
        natGatewayId: same(false, `${ROUTE} ("nat_gateway_id" Optional, not ForceNew; Update: ReplaceRoute)`),
        vpcPeeringConnectionId: same(false, `${ROUTE} ("vpc_peering_connection_id" Optional, not ForceNew; Update: ReplaceRoute)`),
        transitGatewayId: same(false, `${ROUTE} ("transit_gateway_id" Optional, not ForceNew; Update: ReplaceRoute)`),
    },
};

// Read through find_string in an older layout (aws/resource_aws_vpc_peering_connection.go); not pinned.
const PEER = `${TF} aws/resource_aws_vpc_peering_connection.go`;
const vpcPeering: TypeModel = {
    type: "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
    source: PEER,
    inputs: {
        vpcId: same(true, `${PEER} ("vpc_id" Required ForceNew)`),
        peerVpcId: same(true, `${PEER} ("peer_vpc_id" Required ForceNew)`),
        autoAccept: same(false, `${PEER} ("auto_accept" Optional, not ForceNew)`),
        tags: same(false, `${PEER} ("tags" tagsSchema, updated in place)`),
    },
};

const RTA = `${TF} internal/service/ec2/vpc_route_table_association.go@0be71beb`;
const routeTableAssociation: TypeModel = {
    type: "aws:ec2/routeTableAssociation:RouteTableAssociation",
    source: RTA,
    inputs: {
        routeTableId: same(false, `${RTA} ("route_table_id" Required, not ForceNew; Update: ReplaceRouteTableAssociation)`),
        subnetId: same(true, `${RTA} ("subnet_id" ForceNew)`),
    },
};

const IP = `${TF} internal/service/iam/instance_profile.go@013f1736`;
const instanceProfile: TypeModel = {
    type: "aws:iam/instanceProfile:InstanceProfile",
    source: IP,
    inputs: { role: same(false, `${IP} ("role" Optional, not ForceNew; Update: remove old role, add new)`) },
};

const RP = `${TF} internal/service/iam/role_policy.go@02f97af8`;
const rolePolicy: TypeModel = {
    type: "aws:iam/rolePolicy:RolePolicy",
    source: RP,
    inputs: {
        policy: same(false, `${RP} ("policy" ValidIAMPolicyJSON(10240) — not modelled, SuppressEquivalentPolicyDiffs, StateFunc LegacyPolicyNormalize; Update: PutRolePolicy)`),
        role: same(true, `${RP} ("role" Required ForceNew, validRolePolicyRole — not modelled)`),
    },
};

const CT = `${TF} internal/service/kms/ciphertext.go@00a35305`;
const ciphertext: TypeModel = {
    type: "aws:kms/ciphertext:Ciphertext",
    source: CT,
    inputs: {
        plaintext: same(true, `${CT} ("plaintext" ForceNew Sensitive; no Update, Read is a no-op)`),
        keyId: same(true, `${CT} ("key_id" Required ForceNew)`),
        context: same(true, `${CT} ("context" TypeMap ForceNew)`),
    },
};

const SNG = `${TF} internal/service/rds/subnet_group.go@01c08000`;
const subnetGroup: TypeModel = {
    type: "aws:rds/subnetGroup:SubnetGroup",
    source: SNG,
    inputs: {
        description: same(false, `${SNG} ("description" default "Managed by Terraform", not ForceNew in this version; Update: ModifyDBSubnetGroup)`),
        subnetIds: { forceNew: false, unordered: true, readBack: sortedSet, source: `${SNG} ("subnet_ids" TypeSet Required; Update: ModifyDBSubnetGroup)` },
    },
};

export const AWS_MODELS: readonly TypeModel[] = [
    dlmPolicy, instance, ebsVolume, volumeAttachment, securityGroup, subnet, vpc, eip, natGateway, keyPair,
    role, rolePolicyAttachment, kmsKey, ssmParameter, rdsInstance, parameterGroup,
    internetGateway, routeTable, routeTableAssociation, instanceProfile, rolePolicy, ciphertext, subnetGroup,
    eipAssociation, secret, route, vpcPeering,
];
