#!/bin/sh
# herd: a shell stub in front of the jar appended below it. Needs Java 17+ on the PATH (or JAVA_HOME).
if [ -n "$JAVA_HOME" ]; then java="$JAVA_HOME/bin/java"; else java=java; fi
exec "$java" $HERD_JAVA_OPTS -jar "$0" "$@"
