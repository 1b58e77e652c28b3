/**
 * Stage "promote": makes an approved candidate the use case's champion.
 */
package org.hybridllm.lifecycle.promote;
