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
  /**
   * The name of the path variable or request parameter holding the member id (or, with {@link
   * Keyed#BRAND_INSIGHTS}, the brand id).
   */
  String member() default "memberId";

  /** Whose state the method reads, so where the request goes. */
  Keyed by() default Keyed.MEMBER;

  /** How the state a query reads is partitioned. */
  enum Keyed {
    /** A member's state (every member store): the active copy, else a standby copy, else 503. */
    MEMBER,
    /**
     * A brand's insight state (privacy budgets): the active copy; when its instance does not
     * answer, this instance's own (possibly partial) view rather than an error.
     */
    BRAND_INSIGHTS
  }
}
