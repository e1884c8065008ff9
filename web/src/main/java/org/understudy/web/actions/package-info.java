/**
 * The operator actions the console offers ({@code ActionCatalog}: form and command of each) and the actions started
 * from it ({@code Jobs}, run through the command API, their steps followed live).
 *
 * <p>May use: {@code command/}, {@code config/} (rates), the model.
 */
package org.understudy.web.actions;
