exports.handler = async (event) => {
  return { unbalanced: true ;
};
