/**
 * The cluster file and the secrets file: {@link org.understudy.config.ClusterConfigLoader} reads and validates them
 * whole (every problem named as {@code file: key.path: what is wrong}) into immutable records
 * ({@link org.understudy.config.ClusterConfig}, {@link org.understudy.config.Secrets}, their parts), and
 * {@link org.understudy.config.SecretsGenerator} writes a fresh secrets file.
 *
 * <p>May use: the JDK, Jackson (YAML) and Log4j only: everything else reads it.
 */
package org.understudy.config;
