#!/bin/sh
# herd: a shell stub in front of the jar appended below it. Needs Java 17+ on the PATH (or JAVA_HOME).
# The JIT flags are herd.push.PeerProgram.JIT_FLAGS, which says why (PeerProgramTest checks they match): C2 for
# really hot code only, but at once for the JDK's ciphers and digests (a 64 MiB push to 8 hosts: 8.1 CPU-seconds
# here before, 7.0 after). HERD_JAVA_OPTS comes last, so it can override them.
if [ -n "$JAVA_HOME" ]; then java="$JAVA_HOME/bin/java"; else java=java; fi
exec "$java" -XX:Tier4InvocationThreshold=30000 -XX:Tier4CompileThreshold=30000 -XX:CompileCommand=quiet \
  '-XX:CompileCommand=CompileThresholdScaling,com/sun/crypto/provider/*.*,0.01' \
  '-XX:CompileCommand=CompileThresholdScaling,sun/security/provider/*.*,0.01' \
  $HERD_JAVA_OPTS -jar "$0" "$@"
