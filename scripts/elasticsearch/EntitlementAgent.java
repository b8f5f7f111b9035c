import java.lang.instrument.Instrumentation;

/**
 * The agent Elasticsearch attaches to its own JVM to install its entitlement checks (the
 * distribution ships one; Maven Central does not): it calls the initializer it is given.
 */
public class EntitlementAgent {
    public static void agentmain(String initializerClass, Instrumentation inst) throws Exception {
        Class.forName(initializerClass).getMethod("initialize", Instrumentation.class).invoke(null, inst);
    }
}
