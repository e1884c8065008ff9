/** The JMX face: MXBeans, notifications and the secured connector over the state model. */
package org.understudy.jmx;
