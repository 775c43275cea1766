package dev.kiln.tornado.runtime;

import dev.kiln.KilnException;

import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * TornadoVM's API reached by name through reflection, so Kiln compiles and runs without it: task graphs, their
 * transfers and snapshots, execution plans, devices, and the task lambdas that point TornadoVM at a generated kernel
 * method. Every failure inside TornadoVM comes out as a {@link KilnException} carrying TornadoVM's own message.
 */
final class TornadoApi {
    static final String API = "uk.ac.manchester.tornado.api.";
    private static final String TASK_GRAPH = API + "TaskGraph";

    final int firstExecution;
    final int everyExecution;
    /** Outputs copied back only when asked for ({@link #transferToHost(Object, List)}). */
    final int underDemand;
    private final ClassLoader loader;
    private final Class<?> taskGraph;
    private final Class<?> immutableTaskGraph;
    private final Class<?> executionPlan;
    private final Method[] taskByArity = new Method[21];
    private final Class<?>[] taskInterface = new Class<?>[21];

    TornadoApi(ClassLoader loader) {
        this.loader = loader;
        try {
            taskGraph = Class.forName(TASK_GRAPH, true, loader);
            immutableTaskGraph = Class.forName(API + "ImmutableTaskGraph", true, loader);
            executionPlan = Class.forName(API + "TornadoExecutionPlan", false, loader);
            Class<?> modes = Class.forName(API + "enums.DataTransferMode", true, loader);
            firstExecution = modes.getField("FIRST_EXECUTION").getInt(null);
            everyExecution = modes.getField("EVERY_EXECUTION").getInt(null);
            underDemand = modes.getField("UNDER_DEMAND").getInt(null);
            for (int n = 1; n < taskInterface.length; n++) {
                taskInterface[n] = Class.forName(API + "common.TornadoFunctions$Task" + n, false, loader);
            }
            for (Method m : taskGraph.getMethods()) {
                if (m.getName().equals("task") && m.getParameterCount() >= 3
                        && m.getParameterTypes()[1].getSimpleName().startsWith("Task")) {
                    int n = m.getParameterCount() - 2;
                    if (n < taskByArity.length) {
                        taskByArity[n] = m;
                    }
                }
            }
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new KilnException("TornadoVM's API is present but cannot be used: " + e, e);
        }
    }

    /**
     * Whether TornadoVM can be used: its API classes are found by {@code loader} and the JVM was launched with
     * TornadoVM's flags (without them its runtime fails to initialise).
     */
    static boolean present(ClassLoader loader) {
        if (System.getProperty("tornado.load.runtime.implementation") == null) {
            return false;
        }
        try {
            Class.forName(TASK_GRAPH, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** A new task graph called {@code name}. */
    Object newTaskGraph(String name) {
        try {
            return taskGraph.getConstructor(String.class).newInstance(name);
        } catch (ReflectiveOperationException e) {
            throw failure("creating task graph " + name, e);
        }
    }

    /** Adds a task that calls {@code kernel} (a public static void method) on {@code args}. */
    void task(Object graph, String id, MethodHandle kernel, Object[] args) {
        int n = args.length;
        if (n < 1 || n >= taskByArity.length || taskByArity[n] == null) {
            throw new KilnException("TornadoVM tasks take 1 to 20 arguments; kernel " + kernel + " takes " + n);
        }
        Object lambda = lambda(kernel, taskInterface[n]);
        Object[] call = new Object[n + 2];
        call[0] = id;
        call[1] = lambda;
        System.arraycopy(args, 0, call, 2, n);
        invoke(taskByArity[n], graph, call, "adding task " + id);
    }

    /**
     * An instance of TornadoVM's {@code TaskN} interface whose {@code apply} calls {@code kernel} with an
     * {@code invokestatic}, made as javac makes a method reference: TornadoVM finds the kernel in that bytecode.
     */
    private static Object lambda(MethodHandle kernel, Class<?> iface) {
        MethodType impl = kernel.type();
        MethodType erased = MethodType.genericMethodType(impl.parameterCount()).changeReturnType(void.class);
        try {
            return LambdaMetafactory.metafactory(MethodHandles.lookup(), "apply", MethodType.methodType(iface),
                    erased, kernel, impl.wrap().changeReturnType(void.class)).getTarget().invoke();
        } catch (Throwable e) {
            throw new KilnException("cannot make a TornadoVM task for kernel " + kernel + ": " + e, e);
        }
    }

    void transferToDevice(Object graph, int mode, List<Object> objects) {
        if (!objects.isEmpty()) {
            call(graph, "transferToDevice", new Class<?>[] {int.class, Object[].class}, mode, objects.toArray());
        }
    }

    void transferToHost(Object graph, int mode, List<Object> objects) {
        if (!objects.isEmpty()) {
            call(graph, "transferToHost", new Class<?>[] {int.class, Object[].class}, mode, objects.toArray());
        }
    }

    /**
     * Marks {@code objects} as already on the device: their device buffers are those of the task graph the plan ran
     * last (TornadoVM hands persisted buffers from one task graph to the next one that consumes them).
     */
    void consumeFromDevice(Object graph, List<Object> objects) {
        if (!objects.isEmpty()) {
            call(graph, "consumeFromDevice", new Class<?>[] {Object[].class}, (Object) objects.toArray());
        }
    }

    /** Keeps {@code objects} on the device after the graph runs, for the next graph and for fetching on demand. */
    void persistOnDevice(Object graph, List<Object> objects) {
        if (!objects.isEmpty()) {
            call(graph, "persistOnDevice", new Class<?>[] {Object[].class}, (Object) objects.toArray());
        }
    }

    /** An execution plan holding the snapshots of {@code graphs} (in order), on {@code device} when not null. */
    Object plan(List<Object> graphs, Object device) {
        Object array = java.lang.reflect.Array.newInstance(immutableTaskGraph, graphs.size());
        for (int i = 0; i < graphs.size(); i++) {
            java.lang.reflect.Array.set(array, i, call(graphs.get(i), "snapshot", new Class<?>[0]));
        }
        try {
            Object plan = executionPlan.getConstructor(array.getClass()).newInstance(array);
            if (device != null) {
                plan = call(plan, "withDevice", new Class<?>[] {Class.forName(API + "common.TornadoDevice", false,
                        loader)}, device);
            }
            return plan;
        } catch (ReflectiveOperationException e) {
            throw failure("creating an execution plan", e);
        }
    }

    /** Makes task graph {@code index} the plan's current one (what a result's {@code transferToHost} reads from). */
    void select(Object plan, int index) {
        call(plan, "withGraph", new Class<?>[] {int.class}, index);
    }

    /**
     * Runs task graph {@code index} of the plan and returns TornadoVM's result (to fetch persisted arrays from); a
     * kernel that does not compile for the device fails here with TornadoVM's reason.
     */
    Object execute(Object plan, int index) {
        Object one = call(plan, "withGraph", new Class<?>[] {int.class}, index);
        return call(one, "execute", new Class<?>[0]);
    }

    /** Copies {@code objects}, kept on the device by the graph that produced {@code result}, into their host arrays. */
    void transferToHost(Object result, List<Object> objects) {
        if (!objects.isEmpty()) {
            call(result, "transferToHost", new Class<?>[] {Object[].class}, (Object) objects.toArray());
        }
    }

    /** Frees the plan's device buffers. */
    void close(Object plan) {
        call(plan, "freeDeviceMemory", new Class<?>[0]);
    }

    /** TornadoVM's device {@code device} of backend {@code backend}, or its default device for {@code null}. */
    Object device(int[] backendAndDevice) {
        try {
            if (backendAndDevice == null) {
                return executionPlan.getField("DEFAULT_DEVICE").get(null);
            }
            return executionPlan.getMethod("getDevice", int.class, int.class).invoke(null, backendAndDevice[0],
                    backendAndDevice[1]);
        } catch (InvocationTargetException e) {
            throw failure("finding the device", e);
        } catch (ReflectiveOperationException e) {
            throw failure("finding the device", e);
        }
    }

    /** Every device TornadoVM sees, as {@code backend:device name (description)}. */
    List<String> devices() {
        List<String> out = new ArrayList<>();
        try {
            Object map = executionPlan.getMethod("getTornadoDeviceMap").invoke(null);
            List<?> backends = (List<?>) call(map, "getAllBackends", new Class<?>[0]);
            for (int b = 0; b < backends.size(); b++) {
                Object backend = backends.get(b);
                int n = (int) call(backend, "getNumDevices", new Class<?>[0]);
                for (int d = 0; d < n; d++) {
                    Object dev = call(backend, "getDevice", new Class<?>[] {int.class}, d);
                    out.add(b + ":" + d + " " + describe(dev));
                }
            }
        } catch (ReflectiveOperationException e) {
            throw failure("listing devices", e);
        }
        return out;
    }

    /** A device's name and description. */
    String describe(Object device) {
        Object name = call(device, "getDeviceName", new Class<?>[0]);
        Object description = call(device, "getDescription", new Class<?>[0]);
        return name + " (" + description + ")";
    }

    private Object call(Object target, String name, Class<?>[] types, Object... args) {
        try {
            Method m = publicMethod(target.getClass(), name, types);
            return invoke(m, target, args, name);
        } catch (NoSuchMethodException e) {
            throw failure(name, e);
        }
    }

    /**
     * The method as a public type in an exported package declares it (TornadoVM's API interfaces and classes), never
     * as the implementation class does: those live in packages TornadoVM's modules do not export.
     */
    private static Method publicMethod(Class<?> type, String name, Class<?>[] types) throws NoSuchMethodException {
        java.util.ArrayDeque<Class<?>> todo = new java.util.ArrayDeque<>();
        todo.add(type);
        while (!todo.isEmpty()) {
            Class<?> c = todo.poll();
            if (java.lang.reflect.Modifier.isPublic(c.getModifiers()) && c.getModule().isExported(c.getPackageName())) {
                try {
                    return c.getMethod(name, types);
                } catch (NoSuchMethodException ignored) {
                    // a supertype may declare it
                }
            }
            todo.addAll(List.of(c.getInterfaces()));
            if (c.getSuperclass() != null) {
                todo.add(c.getSuperclass());
            }
        }
        throw new NoSuchMethodException(type.getName() + "." + name + " in a public, exported type");
    }

    private static Object invoke(Method m, Object target, Object[] args, String what) {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw failure(what, e);
        } catch (IllegalAccessException e) {
            throw failure(what, e);
        }
    }

    private static KilnException failure(String what, Exception e) {
        Throwable cause = e instanceof InvocationTargetException ite && ite.getCause() != null ? ite.getCause() : e;
        StringBuilder reason = new StringBuilder(String.valueOf(cause));
        for (Throwable t = cause.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            reason.append("; caused by ").append(t);
        }
        return new KilnException("TornadoVM failed " + what + ": " + reason, cause);
    }
}
