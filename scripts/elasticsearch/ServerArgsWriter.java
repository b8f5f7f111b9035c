import java.nio.file.Path;
import org.elasticsearch.bootstrap.ServerArgs;
import org.elasticsearch.common.io.stream.OutputStreamStreamOutput;
import org.elasticsearch.common.settings.KeyStoreWrapper;
import org.elasticsearch.common.settings.Settings;

/**
 * Writes the arguments Elasticsearch's server reads from its standard input (the job of the
 * distribution's server-cli, which is not on Maven Central).
 * Usage: ServerArgsWriter CONFIG_DIR LOGS_DIR key=value...
 */
public class ServerArgsWriter {
    public static void main(String[] args) throws Exception {
        Settings.Builder settings = Settings.builder();
        for (int i = 2; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            settings.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        ServerArgs serverArgs = new ServerArgs(false, false, null, KeyStoreWrapper.create(), settings.build(),
            Path.of(args[0]), Path.of(args[1]));
        try (var out = new OutputStreamStreamOutput(System.out)) {
            serverArgs.writeTo(out);
        }
    }
}
