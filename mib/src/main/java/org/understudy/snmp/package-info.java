/** The SNMP face: UNDERSTUDY-MIB served by an SNMP4J-Agent over the state model. */
package org.understudy.snmp;
