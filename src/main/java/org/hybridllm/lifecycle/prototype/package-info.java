/**
 * Stage "prototype": evaluates the use case's prompt versions with the base model on its evaluation set, measures
 * whether prompt iterations plateau, and sets the first champion.
 */
package org.hybridllm.lifecycle.prototype;
