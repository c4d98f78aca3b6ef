//! Topic weights of the whole network for matchmaking. They change with every project and
//! topic, but not between questions: the graph works them out on the first question after a
//! change and shares them with every question until the next.

use crate::matching::rarest_first;

use super::network::Graph;

pub struct TopicWeights {
    /// Rarity of each topic, by number.
    pub rarity: Vec<f64>,
    /// Squared rarity of each topic, the weight of a shared topic in a dot product.
    pub squares: Vec<f64>,
    /// Rank of each topic in the order shared topics are listed and their rarities summed
    /// (rarest first, then by id), so sums give the same bits as the Neo4j store.
    pub rank: Vec<u32>,
    /// Norm of every signature's rarity-weighted topic vector.
    pub norms: Vec<f64>,
}

impl TopicWeights {
    pub fn new(graph: &Graph) -> Self {
        let index = graph.index();
        let topics = &index.topics;
        let rarity: Vec<f64> = (0..topics.count() as u32).map(|t| graph.rarity(topics.id(t))).collect();
        let squares: Vec<f64> = rarity.iter().map(|r| r.powi(2)).collect();
        let mut ordered: Vec<u32> = (0..topics.count() as u32).collect();
        ordered.sort_by(|&a, &b| rarest_first((rarity[a as usize], topics.id(a)), (rarity[b as usize], topics.id(b))));
        let mut rank = vec![0; ordered.len()];
        for (at, &topic) in ordered.iter().enumerate() {
            rank[topic as usize] = at as u32;
        }
        let signatures = &index.signatures;
        let norms = (0..signatures.count() as u32)
            .map(|sig| signatures.topics(sig).iter().map(|&t| squares[t as usize]).sum::<f64>().sqrt())
            .collect();
        Self { rarity, squares, rank, norms }
    }
}
