// Day 2 of the deployer's path and the network placement, through the provider model: changing
// how the hosts are reached re-runs host commands in place and replaces nothing that holds data;
// an existing VPC plans no VPC and a second up is a no-op.
import { strict as assert } from "assert";
import { FAKE_PROD_SECRETS } from "./harness/graph";
import { changes, losesData, up, UpResult } from "./harness/lifecycle";

const custom = (s: { type: string }) => !s.type.startsWith("chainfleet:");
/**
 * What a change of path may update in place: host commands, security groups, and the Docker
 * providers' host/sshOpts. A provider config change does not cascade into replacing its resources:
 * pulumi-docker is bridged, and the bridge's DiffConfig replaces only for config properties marked
 * ForcesProviderReplace (pulumi/pulumi-terraform-bridge pkg/tfbridge configDiffer.forcesProviderReplace,
 * PR #1683); pulumi-docker's provider/resources.go marks none (not found in its source).
 */
const IN_PLACE = new Set(["command:local:Command", "aws:ec2/securityGroup:SecurityGroup", "pulumi:providers:docker"]);

describe("lifecycle: the deployer's path and the network", function () {
    this.timeout(180_000);
    let base: UpResult;
    before(async () => { base = await up("prod", undefined, {}, FAKE_PROD_SECRETS); });

    function assertKeepsData(r: UpResult): void {
        assert.deepEqual(r.steps.filter((s) => losesData(s, base.state)).map((s) => `${s.op} ${s.name}`), []);
        assert.deepEqual(r.refused, []);
    }

    it("ssm → bastion: the bastion is created, host security groups change in place, host commands re-run, no container or instance is replaced", async () => {
        const r = await up("prod", base.state, { "hosts.access.mode": "bastion", "hosts.sshAllowedCidrs": ["198.51.100.0/24"] }, FAKE_PROD_SECRETS);
        assertKeepsData(r);
        const changed = changes(r.steps).filter(custom);
        const replaced = changed.filter((s) => s.op === "replace").map((s) => s.name);
        assert.deepEqual(replaced, [], "nothing is replaced");
        const created = changed.filter((s) => s.op === "create").map((s) => s.name).sort();
        assert.ok(created.length > 0 && created.every((n) => n.startsWith("bastion-")), `only the bastion is created: ${created}`);
        const updated = changed.filter((s) => s.op === "update");
        assert.ok(updated.some((s) => s.name === "host-a-sg"), "host-a's port 22 now admits the bastion");
        assert.ok(updated.every((s) => IN_PLACE.has(s.type)), updated.filter((s) => !IN_PLACE.has(s.type)).map((s) => `${s.type} ${s.name}`).join(", "));
        assert.ok(!changed.some((s) => s.type === "docker:index/container:Container"), "no container changes");
    });

    it("pinning host keys changes only how ssh checks them", async () => {
        const r = await up("prod", base.state, { "hosts.access.knownHosts": ["chainfleet-a ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPy1BSU8AXAwGV5yLexjl9GEKLtIu9GGEfYhFYbLhlsZ"] }, FAKE_PROD_SECRETS);
        assertKeepsData(r);
        const changed = changes(r.steps).filter(custom);
        assert.ok(changed.length > 0);
        assert.ok(changed.every((s) => s.op === "update" && s.type !== "aws:ec2/securityGroup:SecurityGroup" && IN_PLACE.has(s.type)), changed.map((s) => `${s.op} ${s.name}`).join(", "));
    });

    it("an existing VPC: up from empty plans no VPC, and a second up changes nothing", async () => {
        const existing = {
            "network.mode": "existing", "network.vpcId": "vpc-0abc12345def67890", "network.privateSubnetIds": ["subnet-0aaa00000000000a1", "subnet-0bbb00000000000b2"],
            "kubernetes.clusterCidrs": [], "kubernetes.clusterSecurityGroupId": "sg-0c1a2b3c4d5e6f708",
        };
        const first = await up("prod", undefined, existing, FAKE_PROD_SECRETS);
        assert.ok(!first.steps.some((s) => s.type === "aws:ec2/vpc:Vpc"));
        const second = await up("prod", first.state, existing, FAKE_PROD_SECRETS);
        assert.deepEqual(changes(second.steps).map((s) => `${s.op} ${s.name}`), []);
    });
});
