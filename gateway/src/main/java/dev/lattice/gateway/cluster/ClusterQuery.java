package dev.lattice.gateway.cluster;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a controller method that answers from the topology's state stores, which are spread over
 * the instances of a cluster. When the request names a member ({@link #member()}, a path variable
 * or request parameter) the request is forwarded to the instance that hosts the member unless this
 * one does; the other instance checks the caller's credentials again. A request forwarded by
 * another instance is answered here, from local state only.
 */
@Documented
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface ClusterQuery {
  /** The name of the path variable or request parameter holding the member id. */
  String member() default "memberId";
}
