/*
 * Tessellation node stand-in for chainfleet's real-Docker e2e tier (issue 11).
 *
 * ONE plain-JDK program (com.sun.net.httpserver, java.net.http; no dependencies) packaged as a jar
 * and copied to every jar name our program runs (global-l0.jar, metagraph-l0.jar, currency-l1.jar,
 * data-l1.jar, cl-keytool.jar, cl-wallet.jar: components/systems/ottochain/artifacts.ts). The jar's
 * file name picks the role (STANDIN_ROLE=gl0|ml0|cl1|dl1|keytool|wallet overrides it). It is run as
 * our containers run the real one: `java -Xmx… -jar /jars/<name>.jar <verb> [arg]` with the CL_* env.
 *
 * What it reproduces, read from Constellation-Labs/tessellation (commit 098dbbe, v3.3.x):
 * - CLI verbs and their required env/arguments (decline Opts; a missing one is a usage error, exit 1):
 *   modules/keytool/.../keytool/cli/method.scala (generate: CL_KEYSTORE, CL_KEYALIAS, CL_PASSWORD),
 *   modules/keytool/.../KeyStoreUtils.scala (writer refuses an existing file: FileAlreadyExistsException),
 *   modules/wallet/.../wallet/cli/method.scala (show-id, show-address, show-public-key),
 *   modules/dag-l0/.../dag/l0/cli/method.scala (run-genesis <genesisPath>, run-rollback <rollbackHash>,
 *   run-validator), modules/currency-l0/.../currency/l0/cli/method.scala (create-genesis <csv>,
 *   run-genesis <genesis.snapshot>, run-rollback and run-validator which NEED CL_L0_TOKEN_IDENTIFIER,
 *   all need CL_GLOBAL_L0_PEER_ID/HTTP_HOST), modules/currency-l1/.../CurrencyL1App.scala
 *   (run-initial-validator, run-validator), modules/shared/.../env/env.scala (CL_KEYSTORE, CL_KEYALIAS,
 *   CL_PASSWORD), modules/node-shared/.../cli/http.scala and currency-l0/.../cli/http.scala (ports
 *   default 9000/9001/9002, CL_EXTERNAL_IP default 127.0.0.1, CLI server bound to 127.0.0.1 only),
 *   modules/shared/.../env/AppEnvironment.scala (CL_APP_ENV, default testnet).
 * - NodeState names and sequences: modules/shared/.../schema/node.scala; genesis Initial →
 *   LoadingGenesis → GenesisReady → StartingSession → SessionStarted → Ready; rollback Initial →
 *   RollbackInProgress → RollbackDone → … → Ready (CurrencyL0App.scala, dag-l0 Main.scala); L1 initial
 *   validator Initial → ReadyToJoin → StartingSession → SessionStarted → Ready; validators stop at
 *   ReadyToJoin (CurrencyL1App.scala); state after joining: Ready for L1, WaitingForDownload for L0
 *   (currency-l1.conf / currency-l0.conf state-after-joining).
 * - L1 and ML0 start by discovering their L0 peers (GET <peer public>/cluster/info, Ready peers only)
 *   and die when that fails (node-shared/.../cluster/programs/L0PeerDiscovery.scala:
 *   L0PeerDiscoveryError); create-genesis pulls the latest global snapshot from the GL0 peer and writes
 *   genesis.snapshot + genesis.address beside the CSV (currency-l0/.../snapshot/programs/Genesis.scala).
 * - Routes: public GET /node/info (NodeInfo: state, session, clusterSession, version, host,
 *   publicPort, p2pPort, id), /node/state, /node/health, /cluster/info (PeerInfo set: responsive
 *   peers + self), /cluster/session; GL0 GET /global-snapshots/latest/ordinal, ML0 GET
 *   /snapshots/latest/ordinal ({"value":n}, 503 unless Ready, 404 without a snapshot)
 *   (node-shared/.../http/routes/NodeRoutes.scala, ClusterRoutes.scala, SnapshotRoutes.scala,
 *   dag-l0 and currency-l0 modules/HttpApi.scala). p2p: GET /registration/request
 *   (RegistrationRoutes.scala), POST /cluster/join, GET /cluster/peers, /cluster/discovery,
 *   /node/state, /node/health, /node/session. CLI (127.0.0.1): POST /cluster/join {"id","ip","p2pPort"},
 *   POST /cluster/leave.
 * - Joining (node-shared/.../cluster/programs/Joining.scala): CLI join answers 409 "Node state=X does
 *   not allow for joining the cluster." unless the state is ReadyToJoin; otherwise it creates the
 *   session (→ SessionStarted), answers 200 AT ONCE and joins in the background: handshake with the
 *   peer (its registration request: version hash, environment, id, localhost rule, sessions), POST
 *   the peer's p2p /cluster/join (which hands-shakes back), then discovers and joins the peer's
 *   peers. Only when it has peers does the node move on (Ready for L1). If the peer is unreachable
 *   the node STAYS in SessionStarted and every later join gets 409 (upstream needs a restart).
 * - Peer health: each node polls its peers (p2p /registration/request); a dead peer is dropped from
 *   /cluster/info after STANDIN_PEER_TIMEOUT_MS, a restarted one (new session) at once; Ready nodes
 *   periodically discover peers of peers, as the upstream peer-discovery daemon does.
 * - Snapshots: GL0/ML0 (and joined L0 validators), once Ready, write an incremental snapshot every
 *   STANDIN_SNAPSHOT_INTERVAL_MS to data/incremental_snapshot (relative to the working directory, as
 *   dag-l0.conf / currency-l0.conf incremental-persisted-snapshot-path) in upstream's layout
 *   (SnapshotLocalFileSystemStorage.scala): ordinal/<ordinal/20000*20000>/<ordinal> and
 *   hash/<h[0..3]>/<h[3..6]>/<hash> (a hard link). The stand-in's hash is the sha256 of the file, so
 *   `sha256sum` of the latest ordinal file gives the hash GL0's run-rollback wants. run-rollback
 *   refuses to start without data/incremental_snapshot (as upstream's rollback cannot load one).
 * - The JVM native-library fact: every node verb (and create-genesis) loads a native library the way
 *   brotli4j (a tessellation `shared` dependency, build.sbt) does in hyperxpro/Brotli4j
 *   brotli4j/.../Brotli4jLoader.java: System.loadLibrary("brotli"), else copy lib/<platform>/libbrotli.so
 *   from the jar into Files.createTempDirectory("com_aayushatharva_brotli4j_") under java.io.tmpdir and
 *   System.load it (or System.load(-Dbrotli4j.library.path)). On a tmpfs mounted noexec the mmap of
 *   the library fails ("failed to map segment from shared object") and the node exits 1 at start.
 *   This is the only file the stand-in writes outside the working directory.
 * - Keystore: written once, refused if it exists; the password (CL_PASSWORD) must be present and
 *   non-empty; a node with the wrong password or alias fails at start ("keystore password was
 *   incorrect"). The peer id (128 hex chars, like an uncompressed secp256k1 public key) and the DAG
 *   address are derived deterministically from the keystore contents.
 * - version in /node/info is the Tessellation version: the manifest's Tessellation-Version (a
 *   metagraph jar's SDK), else its Implementation-Version (Tessellation's own jars). Joining a peer of
 *   another Tessellation version fails (Joining.scala validateHandshake: VersionMismatch compares a
 *   hash of the Tessellation version only), as does another CL_APP_ENV; the metagraph version is not
 *   compared (docs/upstream/tessellation-ottochain.md). Metagraph nodes (ml0, cl1, dl1) also answer
 *   GET /metagraph/info with tessellationVersion and metagraphVersion (the Implementation-Version),
 *   as MetagraphRoutes.scala does.
 * - SIGTERM/SIGINT: stops the servers and exits 0 within a second. Logs go to stdout.
 *
 * What it does NOT reproduce: no consensus, blocks, transactions, balances or rewards; no signatures
 * or real keys (the keystore is a stand-in format, not PKCS12; ids and hashes are sha digests, not
 * secp256k1 keys or Kryo/JSON-canonical hashes); no seedlists, collateral or trust ratings; no
 * gossip; no session headers on p2p calls; no data-application routes; no real snapshot content;
 * L0 download/observing phases are timed steps; cluster ids are not checked.
 *
 * Env knobs of the stand-in only: STANDIN_ROLE, STANDIN_START_DELAY_MS (before the servers bind,
 * default 1000), STANDIN_STEP_DELAY_MS (between state changes, default 700),
 * STANDIN_SNAPSHOT_INTERVAL_MS (default 2000), STANDIN_HEALTH_INTERVAL_MS (default 1000),
 * STANDIN_PEER_TIMEOUT_MS (default 5000).
 */

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

public final class TessellationStandin {

    // ------------------------------------------------------------------ entry point and CLI

    /** A command-line problem: printed like decline's usage errors, exit 1. */
    static final class UsageError extends RuntimeException {
        UsageError(String m) { super(m); }
    }

    /** A start-up failure: logged as ERROR, exit 1. */
    static final class Fatal extends RuntimeException {
        Fatal(String m) { super(m); }
        Fatal(String m, Throwable c) { super(m, c); }
    }

    public static void main(String[] argv) {
        try {
            System.exit(run(argv));
        } catch (UsageError e) {
            System.err.println(e.getMessage());
            System.err.println();
            System.err.println(usage(roleOrNull()));
            System.exit(1);
        } catch (Fatal e) {
            Log.error(e.getMessage() + (e.getCause() != null ? ": " + e.getCause() : ""));
            System.exit(1);
        }
    }

    static int run(String[] argv) {
        String role = role();
        List<String> positional = new ArrayList<>();
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (a.startsWith("--")) {
                String name = a.substring(2);
                if (!Set.of("ip", "public-port", "p2p-port", "cli-port", "l0-token-identifier").contains(name))
                    throw new UsageError("Unexpected option: " + a);
                if (i + 1 >= argv.length) throw new UsageError("Missing value for option " + a);
                options.put(name, argv[++i]);
            } else {
                positional.add(a);
            }
        }
        if (positional.isEmpty()) throw new UsageError("Missing expected command (" + String.join(" or ", verbs(role)) + ")!");
        String verb = positional.remove(0);
        if (!verbs(role).contains(verb)) throw new UsageError("Unexpected argument: " + verb);
        switch (role) {
            case "keytool": return Keytool.generate(positional);
            case "wallet": return Wallet.run(verb, positional);
            default: return NodeMain.run(role, verb, positional, options);
        }
    }

    static List<String> verbs(String role) {
        if (role == null) return List.of();
        switch (role) {
            case "keytool": return List.of("generate");
            case "wallet": return List.of("show-address", "show-id", "show-public-key");
            case "gl0": return List.of("run-genesis", "run-rollback", "run-validator");
            case "ml0": return List.of("create-genesis", "run-genesis", "run-validator", "run-rollback");
            default: return List.of("run-initial-validator", "run-validator");
        }
    }

    static String usage(String role) {
        boolean node = role != null && !role.equals("keytool") && !role.equals("wallet");
        return "Usage (tessellation stand-in, role " + role + "): java -jar <jar> " + String.join(" | ", verbs(role))
            + (node ? " [--ip a.b.c.d] [--public-port n] [--p2p-port n] [--cli-port n]" : "");
    }

    static Path jarPath() {
        try {
            return Paths.get(TessellationStandin.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (Exception e) {
            throw new Fatal("cannot locate the running jar", e);
        }
    }

    static String roleOrNull() {
        try { return role(); } catch (RuntimeException e) { return null; }
    }

    /** Which Tessellation jar this is, from its file name (as our program names them). */
    static String role() {
        String forced = env("STANDIN_ROLE");
        if (forced != null) return forced;
        String name = jarPath().getFileName().toString();
        switch (name) {
            case "global-l0.jar": return "gl0";
            case "metagraph-l0.jar": return "ml0";
            case "currency-l1.jar": return "cl1";
            case "data-l1.jar": return "dl1";
            case "cl-keytool.jar": return "keytool";
            case "cl-wallet.jar": return "wallet";
            default:
                throw new UsageError("tessellation stand-in: cannot tell the role of jar '" + name + "': name it global-l0.jar, "
                    + "metagraph-l0.jar, currency-l1.jar, data-l1.jar, cl-keytool.jar or cl-wallet.jar, or set STANDIN_ROLE");
        }
    }

    // ------------------------------------------------------------------ small helpers

    static String env(String k) {
        String v = System.getenv(k);
        return v == null || v.isEmpty() ? null : v;
    }

    /** A required env option, failing like decline does. */
    static String requireEnv(String k) {
        String v = System.getenv(k);
        if (v == null) throw new UsageError("Missing expected environment variable (" + k + ")!");
        return v;
    }

    static long envMs(String k, long def) {
        String v = env(k);
        return v == null ? def : Long.parseLong(v.trim());
    }

    static int port(Map<String, String> options, String opt, String envName, int def) {
        String v = options.containsKey(opt) ? options.get(opt) : env(envName);
        if (v == null) return def;
        try {
            int p = Integer.parseInt(v.trim());
            if (p < 1 || p > 65535) throw new NumberFormatException();
            return p;
        } catch (NumberFormatException e) {
            throw new UsageError("Invalid port for " + envName + ": " + v);
        }
    }

    static void sleep(long ms) {
        try { Thread.sleep(ms); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
    }

    static byte[] sha(String alg, byte[] data) {
        try { return MessageDigest.getInstance(alg).digest(data); } catch (Exception e) { throw new IllegalStateException(e); }
    }

    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) sb.append(String.format("%02x", x));
        return sb.toString();
    }

    static byte[] unhex(String s) {
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        return out;
    }

    static final String B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    static String base58(byte[] in) {
        java.math.BigInteger n = new java.math.BigInteger(1, in);
        StringBuilder sb = new StringBuilder();
        java.math.BigInteger b = java.math.BigInteger.valueOf(58);
        while (n.signum() > 0) {
            java.math.BigInteger[] qr = n.divideAndRemainder(b);
            sb.append(B58.charAt(qr[1].intValue()));
            n = qr[0];
        }
        return sb.reverse().toString();
    }

    /** A DAG address (DAG + check digit + 36 base58 chars) of some bytes, shaped like upstream's. */
    static String dagAddress(byte[] seed) {
        String b = base58(sha("SHA-256", seed));
        String tail = b.substring(Math.max(0, b.length() - 36));
        while (tail.length() < 36) tail = "1" + tail;
        int sum = 0;
        for (char c : tail.toCharArray()) if (Character.isDigit(c)) sum += c - '0';
        return "DAG" + (sum % 9) + tail;
    }

    // ------------------------------------------------------------------ logging (stdout)

    static final class Log {
        static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

        static synchronized void line(String level, String msg) {
            System.out.println(LocalDateTime.now().format(TS) + " [" + Thread.currentThread().getName() + "] " + level + " standin - " + msg);
            System.out.flush();
        }

        static void info(String m) { line("INFO ", m); }
        static void warn(String m) { line("WARN ", m); }
        static void error(String m) { line("ERROR", m); }
    }

    // ------------------------------------------------------------------ JSON (write + parse)

    static final class Json {
        static String str(String s) {
            StringBuilder sb = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                switch (c) {
                    case '"': sb.append("\\\""); break;
                    case '\\': sb.append("\\\\"); break;
                    case '\n': sb.append("\\n"); break;
                    case '\r': sb.append("\\r"); break;
                    case '\t': sb.append("\\t"); break;
                    default:
                        if (c < 0x20) sb.append(String.format("\\u%04x", (int) c)); else sb.append(c);
                }
            }
            return sb.append('"').toString();
        }

        @SuppressWarnings("unchecked")
        static String write(Object v) {
            if (v == null) return "null";
            if (v instanceof String) return str((String) v);
            if (v instanceof Number || v instanceof Boolean) return v.toString();
            if (v instanceof Map) {
                StringBuilder sb = new StringBuilder("{");
                for (Map.Entry<String, Object> e : ((Map<String, Object>) v).entrySet()) {
                    if (sb.length() > 1) sb.append(',');
                    sb.append(str(e.getKey())).append(':').append(write(e.getValue()));
                }
                return sb.append('}').toString();
            }
            if (v instanceof Iterable) {
                StringBuilder sb = new StringBuilder("[");
                for (Object o : (Iterable<Object>) v) {
                    if (sb.length() > 1) sb.append(',');
                    sb.append(write(o));
                }
                return sb.append(']').toString();
            }
            throw new IllegalArgumentException("not JSON: " + v.getClass());
        }

        /** An ordered map from alternating keys and values. */
        static Map<String, Object> obj(Object... kv) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
            return m;
        }

        static Object parse(String s) {
            Parser p = new Parser(s);
            Object v = p.value();
            p.ws();
            if (p.i != s.length()) throw new IllegalArgumentException("trailing characters at " + p.i);
            return v;
        }

        static final class Parser {
            final String s;
            int i;

            Parser(String s) { this.s = s; }

            void ws() { while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++; }

            char peek() {
                ws();
                if (i >= s.length()) throw new IllegalArgumentException("unexpected end of JSON");
                return s.charAt(i);
            }

            void expect(char c) {
                if (peek() != c) throw new IllegalArgumentException("expected '" + c + "' at " + i);
                i++;
            }

            Object value() {
                char c = peek();
                if (c == '{') {
                    i++;
                    Map<String, Object> m = new LinkedHashMap<>();
                    if (peek() == '}') { i++; return m; }
                    while (true) {
                        String k = string();
                        expect(':');
                        m.put(k, value());
                        if (peek() == ',') { i++; continue; }
                        expect('}');
                        return m;
                    }
                }
                if (c == '[') {
                    i++;
                    List<Object> l = new ArrayList<>();
                    if (peek() == ']') { i++; return l; }
                    while (true) {
                        l.add(value());
                        if (peek() == ',') { i++; continue; }
                        expect(']');
                        return l;
                    }
                }
                if (c == '"') return string();
                if (s.startsWith("true", i)) { i += 4; return Boolean.TRUE; }
                if (s.startsWith("false", i)) { i += 5; return Boolean.FALSE; }
                if (s.startsWith("null", i)) { i += 4; return null; }
                int start = i;
                while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
                if (start == i) throw new IllegalArgumentException("unexpected '" + c + "' at " + i);
                String num = s.substring(start, i);
                return num.matches("-?\\d+") ? (Object) Long.parseLong(num) : (Object) Double.parseDouble(num);
            }

            String string() {
                expect('"');
                StringBuilder sb = new StringBuilder();
                while (true) {
                    if (i >= s.length()) throw new IllegalArgumentException("unterminated string");
                    char c = s.charAt(i++);
                    if (c == '"') return sb.toString();
                    if (c != '\\') { sb.append(c); continue; }
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n': sb.append('\n'); break;
                        case 't': sb.append('\t'); break;
                        case 'r': sb.append('\r'); break;
                        case 'b': sb.append('\b'); break;
                        case 'f': sb.append('\f'); break;
                        case 'u': sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16)); i += 4; break;
                        default: sb.append(e);
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ keystore (stand-in format)

    /**
     * The stand-in keystore: a text file with an alias, a salt, 64 random key bytes and an HMAC
     * keyed by PBKDF2(CL_PASSWORD). Not PKCS12: only its behaviour (password, alias, never
     * overwritten, stable id) is reproduced.
     */
    static final class Keystore {
        static final String MAGIC = "TESSELLATION-STANDIN-KEYSTORE 1";
        final String alias;
        final byte[] key;

        Keystore(String alias, byte[] key) { this.alias = alias; this.key = key; }

        /** 128 hex chars, derived from the key bytes only. */
        String peerId() {
            return hex(sha("SHA-512", concat("peer-id:".getBytes(StandardCharsets.UTF_8), key)));
        }

        String address() { return dagAddress(unhex(peerId())); }

        static byte[] concat(byte[] a, byte[] b) {
            byte[] out = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, out, a.length, b.length);
            return out;
        }

        static String mac(String password, byte[] salt, String alias, byte[] key) {
            try {
                SecretKeyFactory f = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
                byte[] k = f.generateSecret(new PBEKeySpec(password.toCharArray(), salt, 10000, 256)).getEncoded();
                Mac m = Mac.getInstance("HmacSHA256");
                m.init(new SecretKeySpec(k, "HmacSHA256"));
                m.update(alias.getBytes(StandardCharsets.UTF_8));
                return hex(m.doFinal(key));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        static void create(Path path, String alias, String password) throws IOException {
            SecureRandom r = new SecureRandom();
            byte[] salt = new byte[16];
            byte[] key = new byte[64];
            r.nextBytes(salt);
            r.nextBytes(key);
            String text = MAGIC + "\nalias=" + hex(alias.getBytes(StandardCharsets.UTF_8)) + "\nsalt=" + hex(salt)
                + "\nkey=" + hex(key) + "\nmac=" + mac(password, salt, alias, key) + "\n";
            // CREATE_NEW: an existing keystore is never overwritten (KeyStoreUtils.writer).
            Files.write(path, text.getBytes(StandardCharsets.UTF_8), java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE);
        }

        /** Loads CL_KEYSTORE with CL_KEYALIAS and CL_PASSWORD, failing as a JVM keystore would. */
        static Keystore load() {
            Path path = Paths.get(requireEnv("CL_KEYSTORE"));
            String alias = requireEnv("CL_KEYALIAS");
            String password = requireEnv("CL_PASSWORD");
            List<String> lines;
            try {
                lines = Files.readAllLines(path, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new Fatal("java.io.FileNotFoundException: " + path + " (No such file or directory)");
            } catch (IOException e) {
                throw new Fatal("cannot read keystore " + path, e);
            }
            Map<String, String> f = new LinkedHashMap<>();
            if (lines.isEmpty() || !lines.get(0).equals(MAGIC)) throw new Fatal("java.io.IOException: " + path + " is not a keystore (stand-in format)");
            for (String l : lines.subList(1, lines.size())) {
                int eq = l.indexOf('=');
                if (eq > 0) f.put(l.substring(0, eq), l.substring(eq + 1));
            }
            String storedAlias = new String(unhex(f.getOrDefault("alias", "")), StandardCharsets.UTF_8);
            byte[] salt = unhex(f.getOrDefault("salt", ""));
            byte[] key = unhex(f.getOrDefault("key", ""));
            if (!mac(password, salt, storedAlias, key).equals(f.get("mac")))
                throw new Fatal("java.io.IOException: keystore password was incorrect (" + path + ")");
            if (!storedAlias.equals(alias))
                throw new Fatal("no key with alias '" + alias + "' in keystore " + path + " (CL_KEYALIAS)");
            return new Keystore(alias, key);
        }
    }

    static final class Keytool {
        static int generate(List<String> args) {
            if (!args.isEmpty()) throw new UsageError("Unexpected argument: " + args.get(0));
            Path path = Paths.get(requireEnv("CL_KEYSTORE"));
            String alias = requireEnv("CL_KEYALIAS");
            String password = requireEnv("CL_PASSWORD");
            if (password.isEmpty()) throw new Fatal("CL_PASSWORD is empty: refusing to create keystore " + path + " without a password");
            if (alias.isEmpty()) throw new Fatal("CL_KEYALIAS is empty");
            try {
                Keystore.create(path, alias, password);
            } catch (FileAlreadyExistsException e) {
                throw new Fatal("java.nio.file.FileAlreadyExistsException: " + path + " (a keystore is never overwritten)");
            } catch (IOException e) {
                throw new Fatal("cannot write keystore " + path, e);
            }
            Log.info("Keystore created at " + path + " with alias " + alias);
            return 0;
        }
    }

    static final class Wallet {
        static int run(String verb, List<String> args) {
            if (!args.isEmpty()) throw new UsageError("Unexpected argument: " + args.get(0));
            Keystore ks = Keystore.load();
            switch (verb) {
                case "show-id": System.out.println(ks.peerId()); break;
                case "show-address": System.out.println(ks.address()); break;
                default: System.out.println(ks.peerId()); // show-public-key: the id is the public key here
            }
            return 0;
        }
    }

    // ------------------------------------------------------------------ native library (noexec /tmp)

    /** Loads libbrotli.so the way Brotli4jLoader does: system path, else extracted into java.io.tmpdir. */
    static void loadNativeLibrary() {
        String custom = System.getProperty("brotli4j.library.path");
        try {
            if (custom != null) {
                System.load(custom);
                return;
            }
            try {
                System.loadLibrary("brotli");
                return;
            } catch (UnsatisfiedLinkError notOnPath) {
                // extracted below
            }
            String name = System.mapLibraryName("brotli");
            String arch = System.getProperty("os.arch");
            String platform = "linux-" + (arch.equals("amd64") ? "x86_64" : arch);
            String resource = "/lib/" + platform + "/" + name;
            Path dir = Files.createTempDirectory("com_aayushatharva_brotli4j_").toAbsolutePath();
            dir.toFile().deleteOnExit();
            Path file = dir.resolve(name);
            try (InputStream in = TessellationStandin.class.getResourceAsStream(resource)) {
                if (in == null) throw new UnsatisfiedLinkError("Failed to open Brotli native library: " + resource + " (stand-in jar built without it)");
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            }
            file.toFile().deleteOnExit();
            System.load(file.toString());
            Log.info("Loaded native library " + file);
        } catch (Throwable t) {
            throw new Fatal("Failed to load Brotli native library (java.io.tmpdir=" + System.getProperty("java.io.tmpdir")
                + "; a tmpfs mounted noexec cannot map it)", t);
        }
    }

    // ------------------------------------------------------------------ node verbs

    static final class NodeMain {
        static int run(String role, String verb, List<String> args, Map<String, String> options) {
            boolean needsArg = verb.equals("create-genesis") || verb.equals("run-genesis") || (role.equals("gl0") && verb.equals("run-rollback"));
            if (needsArg && args.isEmpty())
                throw new UsageError("Missing expected positional argument! (" + (verb.equals("run-rollback") ? "rollbackHash" : "genesisPath") + ")");
            if (args.size() > (needsArg ? 1 : 0)) throw new UsageError("Unexpected argument: " + args.get(needsArg ? 1 : 0));
            String arg = needsArg ? args.get(0) : null;

            // Required options, as decline checks them before anything runs.
            requireEnv("CL_KEYSTORE");
            requireEnv("CL_KEYALIAS");
            requireEnv("CL_PASSWORD");
            String appEnv = appEnvironment();
            boolean isL1 = role.equals("cl1") || role.equals("dl1");
            if (role.equals("ml0") || isL1) {
                requireEnv("CL_GLOBAL_L0_PEER_ID");
                requireEnv("CL_GLOBAL_L0_PEER_HTTP_HOST");
            }
            if (isL1) {
                requireEnv("CL_L0_PEER_ID");
                requireEnv("CL_L0_PEER_HTTP_HOST");
            }
            String identifier = options.containsKey("l0-token-identifier") ? options.get("l0-token-identifier") : System.getenv("CL_L0_TOKEN_IDENTIFIER");
            if ((isL1 || (role.equals("ml0") && (verb.equals("run-rollback") || verb.equals("run-validator")))) && identifier == null)
                throw new UsageError("Missing expected flag --l0-token-identifier, or environment variable (CL_L0_TOKEN_IDENTIFIER)!");

            onTermination();
            Log.info("Tessellation stand-in " + version() + " (" + role + ") " + verb + (arg != null ? " " + arg : "") + " in " + Paths.get("").toAbsolutePath());
            sleep(envMs("STANDIN_START_DELAY_MS", 1000));
            loadNativeLibrary();
            Keystore ks = Keystore.load();

            if (verb.equals("create-genesis")) return createGenesis(ks, Paths.get(arg));

            Node node = new Node(role, verb, ks, appEnv, options, identifier);
            current = node;
            node.start(arg);
            return node.awaitExit();
        }

        /** The running node, once made; SIGTERM before that exits 0 at once. */
        static volatile Node current;

        /** SIGTERM/SIGINT: exit 0 (stop the node's servers first when it runs). */
        static void onTermination() {
            for (String sig : new String[] {"TERM", "INT"}) {
                sun.misc.Signal.handle(new sun.misc.Signal(sig), s -> {
                    Log.info("Received SIG" + s.getName() + ", shutting down");
                    Node n = current;
                    if (n != null) n.exit(0); else Runtime.getRuntime().halt(0);
                });
            }
        }

        static String appEnvironment() {
            String v = env("CL_APP_ENV");
            if (v == null) return "testnet";
            String l = v.toLowerCase();
            if (!Set.of("dev", "testnet", "integrationnet", "mainnet").contains(l))
                throw new UsageError("Invalid CL_APP_ENV '" + v + "' (dev, testnet, integrationnet or mainnet)");
            return l;
        }

        /** create-genesis: pulls GL0's latest ordinal, writes genesis.snapshot and genesis.address beside the CSV. */
        static int createGenesis(Keystore ks, Path csv) {
            List<String[]> balances = readBalances(csv);
            long globalOrdinal = Node.pullGlobalOrdinal();
            Path dir = csv.toAbsolutePath().getParent();
            String body = Json.write(Json.obj(
                "kind", "standin-currency-genesis",
                "globalOrdinal", globalOrdinal,
                "balances", balancesJson(balances),
                "signer", ks.peerId(),
                "nonce", hex(sha("SHA-256", (System.nanoTime() + ks.peerId()).getBytes(StandardCharsets.UTF_8)))));
            String identifier = dagAddress(body.getBytes(StandardCharsets.UTF_8));
            try {
                Files.write(dir.resolve("genesis.snapshot"), (body + "\n").getBytes(StandardCharsets.UTF_8));
                Files.write(dir.resolve("genesis.address"), identifier.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new Fatal("cannot write genesis files in " + dir, e);
            }
            Log.info("genesis.snapshot and genesis.address have been created for the metagraph " + identifier + " in " + dir);
            return 0;
        }

        static List<Object> balancesJson(List<String[]> balances) {
            List<Object> out = new ArrayList<>();
            for (String[] b : balances) out.add(Json.obj("address", b[0], "balance", Long.parseLong(b[1])));
            return out;
        }

        /** genesis.csv lines: <DAG address>,<amount>. */
        static List<String[]> readBalances(Path csv) {
            List<String> lines;
            try {
                lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new Fatal("cannot read genesis balances " + csv.toAbsolutePath(), e);
            }
            List<String[]> out = new ArrayList<>();
            for (String l : lines) {
                if (l.isBlank()) continue;
                String[] p = l.trim().split("\\s*,\\s*");
                if (p.length != 2 || !p[0].startsWith("DAG") || !p[1].matches("\\d+"))
                    throw new Fatal("invalid genesis line in " + csv + ": '" + l + "' (expected <DAG address>,<amount>)");
                out.add(p);
            }
            return out;
        }
    }

    /** The Tessellation version: the manifest's Tessellation-Version, else its Implementation-Version. */
    static String version() {
        String t = manifestAttribute("Tessellation-Version");
        return t != null ? t : metagraphVersion();
    }

    /** Implementation-Version of the jar's manifest (a metagraph jar's own version). */
    static String metagraphVersion() {
        String v = manifestAttribute("Implementation-Version");
        return v == null ? "0.0.0-standin" : v;
    }

    static String manifestAttribute(String name) {
        try (JarFile jar = new JarFile(jarPath().toFile())) {
            Manifest m = jar.getManifest();
            return m == null ? null : m.getMainAttributes().getValue(name);
        } catch (IOException e) {
            return null;
        }
    }

    static String jarHash() {
        try { return hex(sha("SHA-256", Files.readAllBytes(jarPath()))); } catch (IOException e) { return hex(new byte[32]); }
    }

    // ------------------------------------------------------------------ the running node

    /** A cluster member as this node knows it (upstream schema/peer.scala Peer). */
    static final class Peer {
        final String id;
        final String ip;
        final long publicPort;
        final long p2pPort;
        final long session;
        volatile Long clusterSession;
        volatile String state;
        final String jar;
        volatile long lastSeenNanos = System.nanoTime();

        Peer(Map<String, Object> reg) {
            id = (String) reg.get("id");
            ip = (String) reg.get("ip");
            publicPort = ((Number) reg.get("publicPort")).longValue();
            p2pPort = ((Number) reg.get("p2pPort")).longValue();
            session = ((Number) reg.get("session")).longValue();
            clusterSession = reg.get("clusterSession") == null ? null : ((Number) reg.get("clusterSession")).longValue();
            state = (String) reg.get("state");
            jar = (String) reg.get("jar");
        }

        Map<String, Object> info() {
            return Json.obj("id", id, "ip", ip, "publicPort", publicPort, "p2pPort", p2pPort,
                "clusterSession", String.valueOf(clusterSession), "session", String.valueOf(session), "state", state, "jar", jar);
        }
    }

    /** A handshake/join failure with upstream's error name. */
    static final class JoinError extends RuntimeException {
        final int status;

        JoinError(int status, String m) { super(m); this.status = status; }
    }

    static final Set<String> IN_CLUSTER = Set.of("WaitingForObserving", "Observing", "WaitingForReady", "Ready", "WaitingForDownload", "DownloadInProgress");

    static final class Node {
        final String role;
        final String verb;
        final Keystore ks;
        final String id;
        final String appEnv;
        final String identifier;
        final String host;
        final int publicPort;
        final int p2pPort;
        final int cliPort;
        final String version = version();
        final String metagraphVersion = metagraphVersion();
        final String versionHash = hex(sha("SHA-256", version().getBytes(StandardCharsets.UTF_8)));
        final String jar = jarHash();
        final long stepMs = envMs("STANDIN_STEP_DELAY_MS", 700);
        final long snapshotMs = envMs("STANDIN_SNAPSHOT_INTERVAL_MS", 2000);
        final long healthMs = envMs("STANDIN_HEALTH_INTERVAL_MS", 1000);
        final long peerTimeoutMs = envMs("STANDIN_PEER_TIMEOUT_MS", 5000);
        final Map<String, Peer> peers = new ConcurrentHashMap<>();
        final Object stateLock = new Object();
        final Object exitLock = new Object();
        final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).version(HttpClient.Version.HTTP_1_1).build();
        final ScheduledExecutorService daemons = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "daemon");
            t.setDaemon(true);
            return t;
        });
        final Snapshots snapshots = new Snapshots();
        volatile String state = "Initial";
        volatile Long session;
        volatile Long clusterSession;
        volatile Integer exitCode;
        final List<HttpServer> servers = new ArrayList<>();

        Node(String role, String verb, Keystore ks, String appEnv, Map<String, String> options, String identifier) {
            this.role = role;
            this.verb = verb;
            this.ks = ks;
            this.id = ks.peerId();
            this.appEnv = appEnv;
            this.identifier = identifier;
            this.host = options.containsKey("ip") ? options.get("ip") : (env("CL_EXTERNAL_IP") != null ? env("CL_EXTERNAL_IP") : "127.0.0.1");
            this.publicPort = port(options, "public-port", "CL_PUBLIC_HTTP_PORT", 9000);
            this.p2pPort = port(options, "p2p-port", "CL_P2P_HTTP_PORT", 9001);
            this.cliPort = port(options, "cli-port", "CL_CLI_HTTP_PORT", 9002);
        }

        boolean isL0() { return role.equals("gl0") || role.equals("ml0"); }

        // ---------------- state

        void setState(String to) {
            synchronized (stateLock) {
                String from = state;
                state = to;
                Log.info("Node state changed to=" + to + " from=" + from);
            }
        }

        boolean tryModifyState(String from, String to) {
            synchronized (stateLock) {
                if (!state.equals(from)) return false;
                setState(to);
                return true;
            }
        }

        void step(String to) {
            sleep(stepMs);
            setState(to);
        }

        /** Session.createSession: from GenesisReady/RollbackDone/ReadyToJoin through StartingSession. */
        void createSession() {
            synchronized (stateLock) {
                if (!Set.of("GenesisReady", "RollbackDone", "ReadyToJoin").contains(state))
                    throw new JoinError(409, "Node state=" + state + " does not allow for joining the cluster.");
                setState("StartingSession");
                session = System.currentTimeMillis();
                setState("SessionStarted");
            }
        }

        // ---------------- lifecycle

        void start(String arg) {
            prepare(arg);
            bind();
            Thread t = new Thread(() -> {
                try {
                    sequence(arg);
                } catch (RuntimeException e) {
                    Log.error((e instanceof Fatal ? "" : e.getClass().getSimpleName() + ": ") + e.getMessage()
                        + (e.getCause() != null ? ": " + e.getCause() : ""));
                    exit(1);
                }
            }, "main-program");
            t.start();
            daemons.scheduleWithFixedDelay(this::healthRound, healthMs, healthMs, TimeUnit.MILLISECONDS);
            if (isL0()) daemons.scheduleWithFixedDelay(this::snapshotRound, snapshotMs, snapshotMs, TimeUnit.MILLISECONDS);
        }

        /** Checks made before the servers bind: rollback needs data, genesis needs its file. */
        void prepare(String arg) {
            if (verb.equals("run-rollback")) {
                if (!snapshots.hasAny())
                    throw new Fatal("Rollback failed: no snapshot in " + Snapshots.DIR.toAbsolutePath()
                        + " (run-rollback needs the data/incremental_snapshot of a previous run in the working directory)");
                if (role.equals("gl0") && snapshots.byHash(arg) == null)
                    throw new Fatal("Rollback failed: snapshot " + arg + " not found under " + Snapshots.DIR.resolve("hash").toAbsolutePath());
            }
            if (verb.equals("run-genesis")) {
                if (!Files.isReadable(Paths.get(arg))) throw new Fatal("Genesis file " + Paths.get(arg).toAbsolutePath() + " not found or not readable");
                if (snapshots.hasAny())
                    Log.warn("run-genesis over existing data: " + Snapshots.DIR.toAbsolutePath() + " already holds ordinals up to "
                        + snapshots.latestOrdinal() + "; genesis starts a new chain from ordinal 0 (a fork)");
            }
        }

        void bind() {
            servers.add(server("public", "0.0.0.0", publicPort, this::publicRoute));
            servers.add(server("p2p", "0.0.0.0", p2pPort, this::p2pRoute));
            servers.add(server("cli", "127.0.0.1", cliPort, this::cliRoute));
            Log.info("HTTP servers: public 0.0.0.0:" + publicPort + ", p2p 0.0.0.0:" + p2pPort + ", cli 127.0.0.1:" + cliPort
                + "; id " + id + ", external ip " + host);
        }

        void exit(int code) {
            synchronized (exitLock) {
                if (exitCode == null) exitCode = code;
                exitLock.notifyAll();
            }
        }

        int awaitExit() {
            synchronized (exitLock) {
                while (exitCode == null) {
                    try { exitLock.wait(); } catch (InterruptedException e) { return 1; }
                }
            }
            for (HttpServer s : servers) s.stop(0);
            daemons.shutdownNow();
            Log.info("Stopped with exit code " + exitCode);
            return exitCode;
        }

        /** The start program of each verb, with the upstream state sequence. */
        void sequence(String arg) {
            switch (verb) {
                case "run-genesis":
                    if (role.equals("ml0")) discoverL0("Global L0", "CL_GLOBAL_L0_PEER_HTTP_HOST", "CL_GLOBAL_L0_PEER_HTTP_PORT");
                    step("LoadingGenesis");
                    snapshots.genesis(role.equals("gl0") ? genesisFromCsv(arg) : genesisFromSnapshot(arg));
                    step("GenesisReady");
                    sleep(stepMs);
                    createSession();
                    clusterSession = System.currentTimeMillis();
                    step("Ready");
                    break;
                case "run-rollback":
                    step("RollbackInProgress");
                    snapshots.rollback(role.equals("gl0") ? arg : null);
                    step("RollbackDone");
                    sleep(stepMs);
                    createSession();
                    clusterSession = System.currentTimeMillis();
                    if (role.equals("ml0")) discoverL0("Global L0", "CL_GLOBAL_L0_PEER_HTTP_HOST", "CL_GLOBAL_L0_PEER_HTTP_PORT");
                    step("Ready");
                    break;
                case "run-initial-validator":
                    discoverL1Peers();
                    step("ReadyToJoin");
                    sleep(stepMs);
                    clusterSession = System.currentTimeMillis();
                    createSession();
                    step("Ready");
                    break;
                default: // run-validator
                    if (!role.equals("gl0")) {
                        if (role.equals("ml0")) discoverL0("Global L0", "CL_GLOBAL_L0_PEER_HTTP_HOST", "CL_GLOBAL_L0_PEER_HTTP_PORT");
                        else discoverL1Peers();
                    }
                    step("ReadyToJoin");
            }
        }

        void discoverL1Peers() {
            discoverL0("Metagraph L0", "CL_L0_PEER_HTTP_HOST", "CL_L0_PEER_HTTP_PORT");
            discoverL0("Global L0", "CL_GLOBAL_L0_PEER_HTTP_HOST", "CL_GLOBAL_L0_PEER_HTTP_PORT");
        }

        /** L0PeerDiscovery.discoverFrom: GET <peer>/cluster/info, at least one Ready peer, else the node dies. */
        void discoverL0(String what, String hostVar, String portVar) {
            String h = requireEnv(hostVar);
            String p = env(portVar) == null ? "9000" : env(portVar);
            String url = "http://" + h + ":" + p + "/cluster/info";
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) throw new IOException("HTTP " + r.statusCode());
                long ready = ((List<?>) Json.parse(r.body())).stream().filter(o -> "Ready".equals(((Map<?, ?>) o).get("state"))).count();
                if (ready == 0) throw new IOException("Unexpected state - no peers found but at least one should be available");
                Log.info(what + " peer discovery from " + url + ": " + ready + " Ready peer(s)");
            } catch (Exception e) {
                throw new Fatal("Error during L0 peer discovery! (" + what + " at " + url + ": " + e + ")");
            }
        }

        static long pullGlobalOrdinal() {
            String h = requireEnv("CL_GLOBAL_L0_PEER_HTTP_HOST");
            String p = env("CL_GLOBAL_L0_PEER_HTTP_PORT") == null ? "9000" : env("CL_GLOBAL_L0_PEER_HTTP_PORT");
            String url = "http://" + h + ":" + p + "/global-snapshots/latest/ordinal";
            try {
                HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build().send(
                    HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) throw new IOException("HTTP " + r.statusCode() + " " + r.body());
                return ((Number) ((Map<?, ?>) Json.parse(r.body())).get("value")).longValue();
            } catch (Exception e) {
                throw new Fatal("create-genesis cannot pull the latest global snapshot from " + url + ": " + e);
            }
        }

        String genesisFromCsv(String csv) {
            List<String[]> b = NodeMain.readBalances(Paths.get(csv));
            return Json.write(Json.obj("kind", "standin-global-genesis", "balances", NodeMain.balancesJson(b)));
        }

        String genesisFromSnapshot(String file) {
            try {
                String s = new String(Files.readAllBytes(Paths.get(file)), StandardCharsets.UTF_8).trim();
                Object parsed = Json.parse(s);
                if (!(parsed instanceof Map) || !"standin-currency-genesis".equals(((Map<?, ?>) parsed).get("kind")))
                    throw new Fatal("Genesis file " + file + " is not a genesis snapshot (make it with create-genesis)");
                return s;
            } catch (IOException | IllegalArgumentException e) {
                throw new Fatal("cannot read genesis snapshot " + file, e);
            }
        }

        // ---------------- snapshots on disk

        final class Snapshots {
            static final String REL = "data/incremental_snapshot";
            static final long CHUNK = 20000;
            final Path ordinalDir = DIR.resolve("ordinal");
            volatile long ordinal = -1;
            volatile String lastHash = "";

            static final Path DIR = Paths.get(REL);

            boolean hasAny() { return latestOrdinal() >= 0; }

            long latestOrdinal() {
                if (!Files.isDirectory(ordinalDir)) return -1;
                try (Stream<Path> s = Files.walk(ordinalDir, 2)) {
                    return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d+"))
                        .mapToLong(Long::parseLong).max().orElse(-1);
                } catch (IOException e) {
                    return -1;
                }
            }

            Path ordinalFile(long o) { return ordinalDir.resolve(String.valueOf(o / CHUNK * CHUNK)).resolve(String.valueOf(o)); }

            Path hashFile(String h) { return DIR.resolve("hash").resolve(h.substring(0, 3)).resolve(h.substring(3, 6)).resolve(h); }

            Path byHash(String h) {
                if (h == null || !h.matches("[0-9a-f]{64}")) return null;
                Path p = hashFile(h);
                return Files.isRegularFile(p) ? p : null;
            }

            void genesis(String content) {
                ordinal = -1;
                lastHash = "";
                write(content);
            }

            void rollback(String hash) {
                try {
                    Path from = hash != null ? byHash(hash) : ordinalFile(latestOrdinal());
                    Map<?, ?> m = (Map<?, ?>) Json.parse(new String(Files.readAllBytes(from), StandardCharsets.UTF_8).trim());
                    ordinal = ((Number) m.get("ordinal")).longValue();
                    lastHash = hex(sha("SHA-256", Files.readAllBytes(from)));
                    if (identifier != null && m.get("identifier") != null && !identifier.equals(m.get("identifier")))
                        Log.warn("CL_L0_TOKEN_IDENTIFIER " + identifier + " differs from the metagraph id " + m.get("identifier") + " of the data");
                    Log.info("Rollback to ordinal " + ordinal + " (" + lastHash + ")");
                } catch (IOException | RuntimeException e) {
                    throw new Fatal("Rollback failed reading " + DIR.toAbsolutePath(), e);
                }
            }

            /** Writes the next ordinal: tmp file, then ordinal/<chunk>/<n> and its hash/… hard link. */
            synchronized void write(String content) {
                long next = ordinal + 1;
                String body = Json.write(Json.obj("ordinal", next, "lastSnapshotHash", lastHash, "version", version,
                    "identifier", role.equals("ml0") ? currentIdentifier(content) : null, "content", content)) + "\n";
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                String h = hex(sha("SHA-256", bytes));
                try {
                    Path tmp = Paths.get("data/incremental_snapshot_tmp").resolve(String.valueOf(next));
                    Files.createDirectories(tmp.getParent());
                    Files.write(tmp, bytes);
                    Path of = ordinalFile(next);
                    Files.createDirectories(of.getParent());
                    Files.move(tmp, of, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    Path hf = hashFile(h);
                    Files.createDirectories(hf.getParent());
                    Files.deleteIfExists(hf);
                    Files.createLink(hf, of);
                } catch (IOException e) {
                    Log.error("cannot write snapshot " + next + " under " + DIR.toAbsolutePath() + ": " + e);
                    return;
                }
                ordinal = next;
                lastHash = h;
            }

            String currentIdentifier(String content) {
                if (identifier != null) return identifier;
                return content == null ? null : dagAddress(content.getBytes(StandardCharsets.UTF_8));
            }
        }

        void snapshotRound() {
            try {
                if (state.equals("Ready")) snapshots.write(null);
            } catch (RuntimeException e) {
                Log.error("snapshot round failed: " + e);
            }
        }

        // ---------------- registration, join, discovery, health

        Map<String, Object> registrationRequest() {
            return Json.obj("id", id, "ip", host, "publicPort", (long) publicPort, "p2pPort", (long) p2pPort, "session", session,
                "clusterSession", clusterSession, "state", state, "version", versionHash, "environment", appEnv, "jar", jar);
        }

        Map<String, Object> selfInfo() {
            return Json.obj("id", id, "ip", host, "publicPort", (long) publicPort, "p2pPort", (long) p2pPort,
                "clusterSession", String.valueOf(clusterSession), "session", String.valueOf(session), "state", state, "jar", jar);
        }

        HttpResponse<String> call(String method, String url, String body) throws IOException, InterruptedException {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
            if (body == null) b.GET(); else b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> fetchRegistration(String ip, long p2p) {
            try {
                HttpResponse<String> r = call("GET", "http://" + ip + ":" + p2p + "/registration/request", null);
                if (r.statusCode() == 409) throw new JoinError(409, "SessionDoesNotExist: peer " + ip + ":" + p2p + " has no active session");
                if (r.statusCode() != 200) throw new JoinError(500, "registration request to " + ip + ":" + p2p + " answered HTTP " + r.statusCode());
                return (Map<String, Object>) Json.parse(r.body());
            } catch (IOException e) {
                throw new JoinError(500, "peer " + ip + ":" + p2p + " unreachable: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new JoinError(500, "interrupted");
            }
        }

        /** Joining.validateHandshake, with the signer check standing for HandshakeSignatureNotValid. */
        void validateHandshake(Map<String, Object> reg, String expectedId, String remoteAddress) {
            if (!versionHash.equals(reg.get("version"))) throw new JoinError(500, "VersionMismatch: peer runs another Tessellation version");
            if (!appEnv.equals(reg.get("environment"))) throw new JoinError(500, "EnvMismatch: peer environment " + reg.get("environment") + " is not " + appEnv);
            String rid = (String) reg.get("id");
            Peer existing = peers.get(rid);
            long rs = reg.get("session") == null ? 0 : ((Number) reg.get("session")).longValue();
            if (existing != null && existing.session > rs)
                throw new JoinError(409, "Peer id=" + rid.substring(0, 5) + " already joined with newer session.");
            Long theirs = reg.get("clusterSession") == null ? null : ((Number) reg.get("clusterSession")).longValue();
            if (clusterSession != null && theirs != null && !clusterSession.equals(theirs))
                throw new JoinError(500, "ClusterSessionDoesNotMatch");
            String ip = (String) reg.get("ip");
            if (!appEnv.equals("dev") && (ip.equals("127.0.0.1") || ip.equals("localhost")))
                throw new JoinError(500, "LocalHostNotPermitted: peer ip " + ip + " outside CL_APP_ENV=dev");
            if (remoteAddress != null && !remoteAddress.equals(ip))
                throw new JoinError(500, "InvalidRemoteAddress: request from " + remoteAddress + " registered as " + ip);
            if (id.equals(rid)) throw new JoinError(500, "IdDuplicationFound");
            if (expectedId != null && !expectedId.equals(rid)) throw new JoinError(500, "HandshakeSignatureNotValid: peer id is " + rid + ", not " + expectedId);
        }

        /** twoWayHandshake as the joiner: validate the peer, take its cluster session, POST its p2p /cluster/join. */
        Peer joinTo(String ip, long p2p, String expectedId) {
            Map<String, Object> reg = fetchRegistration(ip, p2p);
            validateHandshake(reg, expectedId, null);
            if (reg.get("clusterSession") != null) clusterSession = ((Number) reg.get("clusterSession")).longValue();
            try {
                HttpResponse<String> r = call("POST", "http://" + ip + ":" + p2p + "/cluster/join",
                    Json.write(Json.obj("registrationRequest", registrationRequest())));
                if (r.statusCode() / 100 != 2) throw new JoinError(500, "peer " + ip + ":" + p2p + " refused the join request: HTTP " + r.statusCode() + " " + r.body());
            } catch (IOException e) {
                throw new JoinError(500, "peer " + ip + ":" + p2p + " unreachable: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new JoinError(500, "interrupted");
            }
            Peer p = new Peer(reg);
            peers.put(p.id, p);
            Log.info("Joined peer " + p.id.substring(0, 5) + " at " + ip + ":" + p2p);
            return p;
        }

        /** Joining.joinAll: join the peer, then every peer it knows, until nothing new is found. */
        void joinAll(String ip, long p2p, String expectedId) {
            List<Object[]> toJoin = new ArrayList<>();
            toJoin.add(new Object[] {ip, p2p, expectedId});
            Set<String> attempted = new HashSet<>();
            while (!toJoin.isEmpty()) {
                Object[] t = toJoin.remove(0);
                if (!attempted.add(t[0] + ":" + t[1])) continue;
                try {
                    Peer p = joinTo((String) t[0], (Long) t[1], (String) t[2]);
                    for (Map<String, Object> d : discoveryFrom(p)) {
                        String did = (String) d.get("id");
                        if (!did.equals(id) && !peers.containsKey(did)) toJoin.add(new Object[] {d.get("ip"), ((Number) d.get("p2pPort")).longValue(), did});
                    }
                } catch (RuntimeException e) {
                    Log.warn("Failed to join and discover from " + t[0] + ":" + t[1] + ": " + e.getMessage());
                }
            }
            if (peers.isEmpty()) {
                Log.warn("Joining ended with no peers: the node stays " + state + " and refuses further joins until restarted");
                return;
            }
            String after = isL0() ? "WaitingForDownload" : "Ready";
            if (tryModifyState("SessionStarted", after) && isL0()) {
                for (String s : new String[] {"DownloadInProgress", "WaitingForObserving", "Observing", "WaitingForReady", "Ready"}) step(s);
            }
        }

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> discoveryFrom(Peer p) {
            try {
                HttpResponse<String> r = call("GET", "http://" + p.ip + ":" + p.p2pPort + "/cluster/discovery", null);
                if (r.statusCode() != 200) return List.of();
                List<Map<String, Object>> out = new ArrayList<>();
                for (Object o : (List<Object>) Json.parse(r.body())) out.add((Map<String, Object>) o);
                return out;
            } catch (Exception e) {
                return List.of();
            }
        }

        /** Health round: drop dead or restarted peers; Ready nodes also join peers of peers they miss. */
        void healthRound() {
            try {
                long now = System.nanoTime();
                for (Peer p : new ArrayList<>(peers.values())) {
                    try {
                        Map<String, Object> reg = fetchRegistration(p.ip, p.p2pPort);
                        long s = ((Number) reg.get("session")).longValue();
                        if (!reg.get("id").equals(p.id) || s != p.session) {
                            peers.remove(p.id);
                            Log.info("Peer " + p.id.substring(0, 5) + " restarted with a new session: removed until it joins again");
                            continue;
                        }
                        p.state = (String) reg.get("state");
                        p.lastSeenNanos = now;
                        if (p.state.equals("Offline") || p.state.equals("Leaving")) {
                            peers.remove(p.id);
                            Log.info("Peer " + p.id.substring(0, 5) + " left the cluster (" + p.state + ")");
                        }
                    } catch (RuntimeException e) {
                        if (TimeUnit.NANOSECONDS.toMillis(now - p.lastSeenNanos) > peerTimeoutMs) {
                            peers.remove(p.id);
                            Log.warn("Peer " + p.id.substring(0, 5) + " at " + p.ip + ":" + p.p2pPort + " unresponsive for more than "
                                + peerTimeoutMs + " ms: removed from the cluster");
                        }
                    }
                }
                if (state.equals("Ready")) {
                    for (Peer p : new ArrayList<>(peers.values())) {
                        for (Map<String, Object> d : discoveryFrom(p)) {
                            String did = (String) d.get("id");
                            if (did.equals(id) || peers.containsKey(did) || !IN_CLUSTER.contains(d.get("state"))) continue;
                            try {
                                joinTo((String) d.get("ip"), ((Number) d.get("p2pPort")).longValue(), did);
                            } catch (RuntimeException e) {
                                Log.warn("Peer discovery: cannot join " + d.get("ip") + ":" + d.get("p2pPort") + ": " + e.getMessage());
                            }
                        }
                    }
                }
            } catch (RuntimeException e) {
                Log.error("health round failed: " + e);
            }
        }

        // ---------------- HTTP

        interface Route {
            void handle(HttpExchange ex, String method, String path) throws IOException;
        }

        HttpServer server(String name, String bind, int port, Route route) {
            try {
                HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getByName(bind), port), 64);
                s.createContext("/", ex -> {
                    try {
                        route.handle(ex, ex.getRequestMethod(), ex.getRequestURI().getPath());
                    } catch (RuntimeException e) {
                        Log.error(name + " " + ex.getRequestURI() + ": " + e);
                        send(ex, 500, Json.str("Unknown error."));
                    } finally {
                        ex.close();
                    }
                });
                s.setExecutor(Executors.newFixedThreadPool(4, r -> {
                    Thread t = new Thread(r, name + "-http");
                    t.setDaemon(true);
                    return t;
                }));
                s.start();
                return s;
            } catch (IOException e) {
                throw new Fatal("cannot bind the " + name + " server on " + bind + ":" + port, e);
            }
        }

        static void send(HttpExchange ex, int status, String json) throws IOException {
            byte[] b = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
            if (json != null) ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
            if (b.length > 0) ex.getResponseBody().write(b);
        }

        static String body(HttpExchange ex) throws IOException {
            return new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        }

        List<Object> clusterInfo() {
            List<Object> out = new ArrayList<>();
            out.add(selfInfo());
            for (Peer p : peers.values()) out.add(p.info());
            return out;
        }

        void publicRoute(HttpExchange ex, String m, String path) throws IOException {
            String snapPrefix = role.equals("gl0") ? "/global-snapshots" : role.equals("ml0") ? "/snapshots" : null;
            if (m.equals("GET") && path.equals("/node/info")) {
                send(ex, 200, Json.write(Json.obj("state", state, "session", session, "clusterSession", clusterSession, "version", version,
                    "host", host, "publicPort", (long) publicPort, "p2pPort", (long) p2pPort, "id", id)));
            } else if (m.equals("GET") && path.equals("/metagraph/info") && !role.equals("gl0")) {
                send(ex, 200, Json.write(Json.obj("state", state, "session", session, "clusterSession", clusterSession, "host", host,
                    "publicPort", (long) publicPort, "p2pPort", (long) p2pPort, "id", id, "tessellationVersion", version, "metagraphVersion", metagraphVersion)));
            } else if (m.equals("GET") && path.equals("/node/state")) {
                send(ex, 200, Json.str(state));
            } else if (m.equals("GET") && path.equals("/node/health")) {
                send(ex, 200, null);
            } else if (m.equals("GET") && path.equals("/cluster/info")) {
                send(ex, 200, Json.write(clusterInfo()));
            } else if (m.equals("GET") && path.equals("/cluster/session")) {
                if (clusterSession == null) send(ex, 404, null); else send(ex, 200, Json.write(Json.obj("token", clusterSession)));
            } else if (snapPrefix != null && m.equals("GET") && path.equals(snapPrefix + "/latest/ordinal")) {
                if (!state.equals("Ready")) send(ex, 503, Json.write(Json.obj("message", "Node is not ready yet")));
                else if (snapshots.ordinal < 0) send(ex, 404, null);
                else send(ex, 200, Json.write(Json.obj("value", snapshots.ordinal)));
            } else {
                send(ex, 404, null);
            }
        }

        @SuppressWarnings("unchecked")
        void p2pRoute(HttpExchange ex, String m, String path) throws IOException {
            if (m.equals("GET") && path.equals("/registration/request")) {
                if (session == null) send(ex, 409, Json.str("Peer does not have an active session."));
                else send(ex, 200, Json.write(registrationRequest()));
            } else if (m.equals("POST") && path.equals("/cluster/join")) {
                Map<String, Object> reg;
                try {
                    reg = (Map<String, Object>) ((Map<String, Object>) Json.parse(body(ex))).get("registrationRequest");
                    if (reg == null || reg.get("ip") == null || reg.get("p2pPort") == null || reg.get("id") == null) throw new IllegalArgumentException("no registrationRequest");
                } catch (RuntimeException e) {
                    send(ex, 400, Json.str("Malformed join request: " + e.getMessage()));
                    return;
                }
                if (!IN_CLUSTER.contains(state)) { send(ex, 409, Json.str("Node is not part of the cluster.")); return; }
                if (session == null) { send(ex, 409, Json.str("Peer does not have an active session.")); return; }
                try {
                    // Two-way handshake: read the joiner's registration from its own p2p port.
                    String remote = ex.getRemoteAddress().getAddress().getHostAddress();
                    Map<String, Object> theirs = fetchRegistration((String) reg.get("ip"), ((Number) reg.get("p2pPort")).longValue());
                    validateHandshake(theirs, (String) reg.get("id"), remote);
                    Peer p = new Peer(theirs);
                    peers.put(p.id, p);
                    Log.info("Peer " + p.id.substring(0, 5) + " at " + p.ip + ":" + p.p2pPort + " joined");
                    send(ex, 200, null);
                } catch (JoinError e) {
                    Log.warn("Error during join attempt by " + String.valueOf(reg.get("id")).substring(0, 5) + ": " + e.getMessage());
                    send(ex, e.status, Json.str(e.status == 409 ? e.getMessage() : "Unknown error."));
                }
            } else if (m.equals("GET") && (path.equals("/cluster/peers") || path.equals("/cluster/discovery"))) {
                List<Object> out = new ArrayList<>();
                for (Peer p : peers.values()) out.add(p.info());
                send(ex, 200, Json.write(out));
            } else if (m.equals("GET") && path.equals("/node/state")) {
                send(ex, 200, Json.str(state));
            } else if (m.equals("GET") && path.equals("/node/health")) {
                send(ex, 200, null);
            } else if (m.equals("GET") && path.equals("/node/session")) {
                send(ex, 200, Json.write(session));
            } else {
                send(ex, 404, null);
            }
        }

        void cliRoute(HttpExchange ex, String m, String path) throws IOException {
            if (m.equals("POST") && path.equals("/cluster/join")) {
                String ip;
                long p2p;
                String peerId;
                try {
                    Map<?, ?> j = (Map<?, ?>) Json.parse(body(ex));
                    peerId = (String) j.get("id");
                    ip = (String) j.get("ip");
                    p2p = ((Number) j.get("p2pPort")).longValue();
                    if (peerId == null || !peerId.matches("[0-9a-fA-F]+") || ip == null || ip.isEmpty() || p2p < 1 || p2p > 65535)
                        throw new IllegalArgumentException("expected {\"id\": <hex peer id>, \"ip\": <host>, \"p2pPort\": <port>}");
                } catch (RuntimeException e) {
                    send(ex, 400, Json.str("Malformed PeerToJoin: " + e.getMessage()));
                    return;
                }
                try {
                    createSession();
                } catch (JoinError e) {
                    Log.info("Join to " + ip + ":" + p2p + " refused: " + e.getMessage());
                    send(ex, 409, Json.str(e.getMessage()));
                    return;
                }
                Log.info("Joining the cluster through " + ip + ":" + p2p);
                Thread t = new Thread(() -> joinAll(ip, p2p, peerId), "joining");
                t.setDaemon(true);
                t.start();
                send(ex, 200, null);
            } else if (m.equals("POST") && path.equals("/cluster/leave")) {
                send(ex, 200, null);
                Thread t = new Thread(() -> {
                    setState("Leaving");
                    sleep(stepMs);
                    setState("Offline");
                    peers.clear();
                }, "leaving");
                t.setDaemon(true);
                t.start();
            } else {
                send(ex, 404, null);
            }
        }
    }
}
